/** A control-plane (or mirror admin) error, from the `{ error: { code, message, hint } }` envelope. */
export class MirraApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  /** The whole `error` object (may carry `field`, `issues`, ...). */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, hint?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MirraApiError';
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.details = details;
  }

  /** Build from a response body (JSON envelope, or anything else a proxy may send). */
  static from(status: number, text: string): MirraApiError {
    try {
      const parsed = JSON.parse(text) as { error?: Record<string, unknown> };
      const e = parsed?.error;
      if (e && typeof e === 'object' && typeof e.code === 'string') {
        return new MirraApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, typeof e.hint === 'string' ? e.hint : undefined, e);
      }
      if (e && typeof e === 'object' && typeof e.message === 'string') {
        // A vendor-shaped error (a mirror route): keep its message.
        return new MirraApiError(status, `mirra.http.${status}`, e.message, undefined, e);
      }
    } catch {
      // not JSON
    }
    return new MirraApiError(status, `mirra.http.${status}`, `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, undefined, {});
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). */
export class MirraNetworkError extends Error {
  override readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message);
    this.name = 'MirraNetworkError';
    this.cause = cause;
  }
}
