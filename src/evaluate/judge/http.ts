/** POST JSON to an LLM API over undici, with bounded retries on 429/5xx and clear errors. */
import { request } from 'undici';
import { MirraJudgeError, bodyExcerpt } from './errors.js';

export interface PostJsonOptions {
  /** Evaluator name for errors (`anthropic`). */
  evaluator: string;
  /** How errors name the API (`Anthropic`). */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal?: AbortSignal;
  /** Per-attempt timeout. Default 60 s. */
  timeoutMs?: number;
  /** Retries after 429/5xx/network errors. Default 2. */
  maxRetries?: number;
  /** First backoff; doubles per retry (a `retry-after` header wins, capped at 10 s). Default 500 ms. */
  retryDelayMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

function retryable(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

export async function postJson(options: PostJsonOptions): Promise<unknown> {
  const { evaluator, label, url } = options;
  const maxRetries = options.maxRetries ?? 2;
  const baseDelay = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let lastError: MirraJudgeError | undefined;
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (options.signal?.aborted) throw new MirraJudgeError(`${label} judge request aborted`, { evaluator, cause: options.signal.reason });
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    let status: number;
    let text: string;
    let retryAfter: number | undefined;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(options.body),
        signal: AbortSignal.any(signals),
      });
      status = res.statusCode;
      text = await res.body.text();
      const ra = Number(res.headers['retry-after']);
      if (Number.isFinite(ra) && ra >= 0) retryAfter = Math.min(ra * 1000, 10_000);
    } catch (err) {
      if (options.signal?.aborted) throw new MirraJudgeError(`${label} judge request aborted`, { evaluator, cause: err });
      const e = err as Error & { code?: string; cause?: { code?: string } };
      lastError = new MirraJudgeError(`${label} judge request to ${url} failed: ${e.cause?.code ?? e.code ?? e.message}`, { evaluator, cause: err });
      if (attempt < maxRetries) {
        await sleep(baseDelay * 2 ** attempt, options.signal);
        continue;
      }
      throw lastError;
    }
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new MirraJudgeError(`${label} judge returned invalid JSON (HTTP ${status}): ${bodyExcerpt(text) || '(empty body)'}`, { evaluator, status, body: bodyExcerpt(text) });
      }
    }
    lastError = new MirraJudgeError(`${label} judge request failed: HTTP ${status} from ${url}: ${bodyExcerpt(text) || '(empty body)'}`, { evaluator, status, body: bodyExcerpt(text) });
    if (retryable(status) && attempt < maxRetries) {
      await sleep(retryAfter ?? baseDelay * 2 ** attempt, options.signal);
      continue;
    }
    throw lastError;
  }
  throw lastError!;
}
