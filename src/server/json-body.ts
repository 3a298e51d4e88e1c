import type { IncomingMessage } from 'node:http';
import { ApiError, errors } from './errors.js';

/** Default body limit: 1 MiB (scenarios and inline seeds are small). Answered with 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Past this many bytes we stop draining an oversized body and drop the connection. */
const DRAIN_CAP = 64 * 1024 * 1024;

/**
 * Read the whole body. An oversized body is drained (so the client sees the
 * 413 instead of a reset connection) but not buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (size > DRAIN_CAP) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(errors.bodyTooLarge(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', () => reject(tooLarge ? errors.bodyTooLarge(limit) : new ApiError(400, 'mirra.request.aborted', 'The request body was not received completely.', 'Retry the request.')));
    req.on('aborted', () => reject(new ApiError(400, 'mirra.request.aborted', 'The request was aborted.', 'Retry the request.')));
  });
}

/** Parse a JSON object body. An empty body is `{}`. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const buf = await readBody(req, limit);
  const text = buf.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw errors.invalidJson(err instanceof Error ? err.message : 'parse error');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'mirra.request.invalid_type', 'The request body must be a JSON object.', 'Send a JSON object, e.g. {"mirrors":["resend"]}.', { field: '(body)' });
  }
  return value as Record<string, unknown>;
}

export type FieldType = 'string' | 'boolean' | 'integer' | 'number' | 'string[]' | 'object' | 'any';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
}

const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
  'string[]': 'an array of strings',
  object: 'an object',
  any: 'a value',
};

/**
 * Check `body` against a flat field schema: unknown fields (with the nearest
 * allowed name as a suggestion), missing required fields and wrong types all
 * become 400 envelopes naming the field.
 */
export function checkFields(body: Record<string, unknown>, schema: Record<string, FieldSpec>, prefix = ''): void {
  const allowed = Object.keys(schema);
  for (const key of Object.keys(body)) {
    if (!(key in schema)) throw errors.unknownField(prefix + key, nearest(key, allowed), allowed);
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = body[key];
    if (value === undefined) {
      if (spec.required) throw errors.missingField(prefix + key, EXPECTED[spec.type]);
      continue;
    }
    if (!matches(value, spec.type)) throw errors.invalidType(prefix + key, EXPECTED[spec.type], value);
  }
}

function matches(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'any':
      return true;
  }
}

/** The allowed name closest to `input` (edit distance ≤ max(2, len/3)), if any. */
export function nearest(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = input.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Infinity;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
