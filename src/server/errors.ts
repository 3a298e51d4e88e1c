import type { ServerResponse } from 'node:http';

export interface ErrorEnvelope {
  error: { code: string; message: string; hint: string; [extra: string]: unknown };
}

/** An error the control plane answers with its `{ error: { code, message, hint } }` envelope. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    hint: string,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.extra = extra;
    this.headers = headers;
  }

  toJSON(): ErrorEnvelope {
    return { error: { code: this.code, message: this.message, hint: this.hint, ...(this.extra ?? {}) } };
  }
}

const DOCS = 'https://mirra.run/docs/api';

export const errors = {
  notFound: (what: 'session' | 'run' | 'snapshot', id: string) =>
    new ApiError(
      404,
      `mirra.${what}.not_found`,
      `No ${what} '${id}'.`,
      what === 'session'
        ? 'List live sessions with GET /v1/sessions; ended ephemeral sessions are gone after a restart.'
        : what === 'run'
          ? 'List runs with GET /v1/runs.'
          : 'Create one with POST /v1/sessions/{id}/snapshots; snapshots are scoped to their session.',
    ),
  routeNotFound: (method: string, path: string) =>
    new ApiError(404, 'mirra.request.not_found', `No route ${method} ${path}.`, `See ${DOCS} for the endpoints.`),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new ApiError(
      405,
      'mirra.request.method_not_allowed',
      `Method ${method} is not allowed on ${path}.`,
      `Allowed: ${allowed.join(', ')}.`,
      undefined,
      { allow: allowed.join(', ') },
    ),
  invalidJson: (detail: string) =>
    new ApiError(400, 'mirra.request.invalid_json', `The request body is not valid JSON: ${detail}.`, 'Send a JSON object with Content-Type: application/json.'),
  bodyTooLarge: (limit: number) =>
    new ApiError(413, 'mirra.request.body_too_large', `The request body exceeds ${limit} bytes.`, 'Send scenarios and seeds by reference, or split the request.'),
  invalidType: (field: string, expected: string, got: unknown) =>
    new ApiError(
      400,
      'mirra.request.invalid_type',
      `Field '${field}' must be ${expected}, got ${describe(got)}.`,
      `Send '${field}' as ${expected}.`,
      { field },
    ),
  invalidValue: (field: string, message: string, hint: string) =>
    new ApiError(400, 'mirra.request.invalid_value', message, hint, { field }),
  missingField: (field: string, expected: string) =>
    new ApiError(400, 'mirra.request.missing_field', `Field '${field}' is required.`, `Send '${field}' as ${expected}.`, { field }),
  unknownField: (field: string, suggestion: string | undefined, allowed: string[]) =>
    new ApiError(
      400,
      'mirra.request.unknown_field',
      `Unknown field '${field}'.`,
      suggestion ? `Did you mean '${suggestion}'? Allowed fields: ${allowed.join(', ')}.` : `Allowed fields: ${allowed.join(', ')}.`,
      { field, ...(suggestion ? { suggestion } : {}) },
    ),
  internal: () =>
    new ApiError(500, 'mirra.internal.error', 'Mirra hit an internal error.', 'Retry; if it persists, report it with the server log.'),
};

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Normalise anything thrown into an ApiError (engine errors carry their own status/code). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; code?: unknown; message?: unknown; hint?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('mirra.') && typeof e.status === 'number') {
      return new ApiError(
        e.status,
        e.code,
        typeof e.message === 'string' ? e.message : e.code,
        typeof e.hint === 'string' ? e.hint : `See ${DOCS}.`,
      );
    }
  }
  return errors.internal();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, err.toJSON(), err.headers);
}
