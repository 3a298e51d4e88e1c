/**
 * One judge call for one criterion of one run: build the bounded JudgeInput, consult the
 * verdict cache, call the evaluator, store the verdict. Evaluator failures propagate as
 * MirraJudgeError (never a silent pass).
 */
import type { Criterion, Evaluator, JudgeInput, JudgeVerdict, RunCapture } from './types.js';
import type { VerdictCache } from './cache.js';
import { buildJudgeInput } from './judge/excerpt.js';
import { MirraJudgeError } from './judge/errors.js';
import { DEFAULT_JUDGE_MODEL } from './judge/models.js';

export interface JudgeCriterionOptions {
  criterion: Criterion | string;
  capture: RunCapture;
  evaluator: Evaluator;
  /** `judge-model:`; default the scenario's, else claude-haiku-4-5. */
  model?: string;
  /** A verdict cache, or false/undefined for none. */
  cache?: VerdictCache | false;
  signal?: AbortSignal;
}

export interface JudgeCriterionResult {
  verdict: JudgeVerdict;
  cached: boolean;
  input: JudgeInput;
}

export async function judgeCriterion(options: JudgeCriterionOptions): Promise<JudgeCriterionResult> {
  const model = options.model ?? options.capture.scenario?.config?.judgeModel ?? DEFAULT_JUDGE_MODEL;
  const input = buildJudgeInput(options.criterion, options.capture, model);
  const cache = options.cache || undefined;
  const key = cache?.key(options.evaluator.name, input);
  if (cache && key) {
    const hit = cache.get(key);
    if (hit) return { verdict: hit, cached: true, input };
  }
  let verdict: JudgeVerdict;
  try {
    verdict = await options.evaluator.judge(input, options.signal);
  } catch (err) {
    if (err instanceof MirraJudgeError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new MirraJudgeError(`judge '${options.evaluator.name}' failed: ${message}`, { evaluator: options.evaluator.name, cause: err });
  }
  if (!verdict || typeof verdict.pass !== 'boolean') {
    throw new MirraJudgeError(`judge '${options.evaluator.name}' returned no verdict: ${JSON.stringify(verdict)}`, { evaluator: options.evaluator.name });
  }
  const clean: JudgeVerdict = { pass: verdict.pass, explanation: typeof verdict.explanation === 'string' ? verdict.explanation : '' };
  if (typeof verdict.score === 'number') clean.score = verdict.score;
  if (cache && key) cache.set(key, clean, { evaluator: options.evaluator.name, model });
  return { verdict: clean, cached: false, input };
}
