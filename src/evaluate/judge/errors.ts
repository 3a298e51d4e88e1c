/** A judge call that could not produce a verdict. Never turned into a pass. */
export class MirraJudgeError extends Error {
  override name = 'MirraJudgeError';
  /** Evaluator name (`anthropic`, `openai`). */
  readonly evaluator: string;
  /** HTTP status of the LLM API, when it answered. */
  readonly status: number | undefined;
  /** Excerpt of the response body. */
  readonly body: string | undefined;

  constructor(message: string, options: { evaluator: string; status?: number; body?: string; cause?: unknown }) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.evaluator = options.evaluator;
    this.status = options.status;
    this.body = options.body;
  }
}

export function isMirraJudgeError(err: unknown): err is MirraJudgeError {
  return err instanceof Error && err.name === 'MirraJudgeError';
}

/** First `limit` characters of a response body, on one line. */
export function bodyExcerpt(body: string, limit = 300): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > limit ? `${one.slice(0, limit)}…` : one;
}
