/**
 * Built-in evaluators: `anthropic()` (Messages API) and `openai()` (chat completions, any
 * OpenAI-compatible endpoint), plus `defineEvaluator` and `scriptedEvaluator` for your own.
 */
import type { Evaluator, JudgeInput, JudgeVerdict } from '../types.js';
import { renderJudgePrompt } from './prompt.js';
import { parseVerdict } from './verdict.js';
import { postJson } from './http.js';
import { MirraJudgeError, bodyExcerpt } from './errors.js';
import { anthropicModel, openaiModel } from './models.js';

export interface LlmEvaluatorOptions {
  apiKey?: string;
  baseUrl?: string;
  /** Force one model id for every scenario (overrides `judge-model:`). */
  model?: string;
  /** Max output tokens. Default 300. */
  maxTokens?: number;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Retries on 429/5xx/network errors. Default 2. */
  maxRetries?: number;
  retryDelayMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

function nameFor(base: string, model: string | undefined): string {
  return model ? `${base}:${model}` : base;
}

/** Anthropic Messages API: POST {baseUrl}/v1/messages. Key: `apiKey` or ANTHROPIC_API_KEY. */
export function anthropic(options: LlmEvaluatorOptions = {}): Evaluator {
  const baseUrl = trimSlash(options.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com');
  const name = nameFor('anthropic', options.model);
  return {
    name,
    async judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeVerdict> {
      const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
      if (!apiKey) throw new MirraJudgeError('Anthropic judge has no API key: set ANTHROPIC_API_KEY or pass anthropic({ apiKey })', { evaluator: name });
      const { system, user } = renderJudgePrompt(input);
      const response = (await postJson({
        evaluator: name,
        label: 'Anthropic',
        url: `${baseUrl}/v1/messages`,
        headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', ...options.headers },
        body: {
          model: options.model ?? anthropicModel(input.model),
          max_tokens: options.maxTokens ?? 300,
          temperature: 0,
          system,
          messages: [{ role: 'user', content: user }],
        },
        signal,
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
        retryDelayMs: options.retryDelayMs,
      })) as { content?: Array<{ type?: string; text?: string }> };
      const text = Array.isArray(response?.content)
        ? response.content.filter((c) => c?.type === 'text' && typeof c.text === 'string').map((c) => c.text).join('')
        : undefined;
      if (text === undefined) {
        throw new MirraJudgeError(`Anthropic judge response has no text content: ${bodyExcerpt(JSON.stringify(response))}`, { evaluator: name, body: bodyExcerpt(JSON.stringify(response)) });
      }
      return parseVerdict(text, 'Anthropic', name);
    },
  };
}

/** OpenAI chat completions: POST {baseUrl}/chat/completions. Key: `apiKey` or OPENAI_API_KEY. */
export function openai(options: LlmEvaluatorOptions = {}): Evaluator {
  const baseUrl = trimSlash(options.baseUrl ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1');
  const name = nameFor('openai', options.model);
  return {
    name,
    async judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeVerdict> {
      const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
      if (!apiKey) throw new MirraJudgeError('OpenAI judge has no API key: set OPENAI_API_KEY or pass openai({ apiKey })', { evaluator: name });
      const { system, user } = renderJudgePrompt(input);
      const response = (await postJson({
        evaluator: name,
        label: 'OpenAI',
        url: `${baseUrl}/chat/completions`,
        headers: { authorization: `Bearer ${apiKey}`, ...options.headers },
        body: {
          model: options.model ?? openaiModel(input.model),
          temperature: 0,
          max_tokens: options.maxTokens ?? 300,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        },
        signal,
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
        retryDelayMs: options.retryDelayMs,
      })) as { choices?: Array<{ message?: { content?: string | null } }> };
      const text = response?.choices?.[0]?.message?.content;
      if (typeof text !== 'string') {
        throw new MirraJudgeError(`OpenAI judge response has no message content: ${bodyExcerpt(JSON.stringify(response))}`, { evaluator: name, body: bodyExcerpt(JSON.stringify(response)) });
      }
      return parseVerdict(text, 'OpenAI', name);
    },
  };
}

/** Your own judge: `defineEvaluator({ name: 'my-judge', judge: async (input, signal) => ({ pass, explanation }) })`. */
export function defineEvaluator(evaluator: Evaluator): Evaluator {
  if (!evaluator || typeof evaluator.name !== 'string' || evaluator.name === '' || typeof evaluator.judge !== 'function') {
    throw new TypeError('defineEvaluator expects { name: string, judge(input, signal) => Promise<{ pass, explanation }> }');
  }
  return evaluator;
}

/**
 * A deterministic evaluator for tests: `scriptedEvaluator((input) => input.trace.includes('email.delivered'))`.
 * The function returns a boolean, a verdict, or a promise of either.
 */
export function scriptedEvaluator(
  fn: (input: JudgeInput) => boolean | JudgeVerdict | Promise<boolean | JudgeVerdict>,
  name = 'scripted',
): Evaluator & { calls: JudgeInput[] } {
  const calls: JudgeInput[] = [];
  return {
    name,
    calls,
    async judge(input) {
      calls.push(input);
      const r = await fn(input);
      return typeof r === 'boolean' ? { pass: r, explanation: r ? 'scripted pass' : 'scripted fail' } : r;
    },
  };
}

/** anthropic() when ANTHROPIC_API_KEY is set, else openai() when OPENAI_API_KEY is set, else undefined. */
export function defaultEvaluator(env: Record<string, string | undefined> = process.env): Evaluator | undefined {
  if (env.ANTHROPIC_API_KEY) return anthropic({ apiKey: env.ANTHROPIC_API_KEY });
  if (env.OPENAI_API_KEY) return openai({ apiKey: env.OPENAI_API_KEY });
  return undefined;
}
