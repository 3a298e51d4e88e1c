/**
 * Idempotency store: (key, method, path, params hash, status, headers, body, created_at).
 * Keys live `ttlMs` on the session clock (default 24 h) and are pruned by age; a reset
 * forgets them all (the table is empty in the seed image).
 */
import { createHash } from 'node:crypto';
import type { SessionDb } from './database.js';

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResult {
  key: string;
  method: string;
  path: string;
  paramsHash: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  createdAt: number;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Parameters are compared by value, not by byte order of the encoding. */
export function hashParams(params: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(params ?? null)) ?? 'null').digest('hex');
}

export function pruneIdempotency(db: SessionDb, now: number, ttlMs: number): void {
  db.run('DELETE FROM _mirra_idempotency WHERE created_at <= ?', now - ttlMs);
}

export function findIdempotent(db: SessionDb, key: string): StoredResult | undefined {
  const r = db.get<{ key: string; method: string; path: string; params_hash: string; status: number; headers: string; body: string; created_at: number }>(
    'SELECT * FROM _mirra_idempotency WHERE key = ?',
    key,
  );
  if (!r) return undefined;
  return {
    key: r.key,
    method: r.method,
    path: r.path,
    paramsHash: r.params_hash,
    status: r.status,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: r.body,
    createdAt: r.created_at,
  };
}

export function storeIdempotent(db: SessionDb, result: StoredResult): void {
  db.run(
    'INSERT OR REPLACE INTO _mirra_idempotency (key, method, path, params_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    result.key,
    result.method,
    result.path,
    result.paramsHash,
    result.status,
    JSON.stringify(result.headers),
    result.body,
    result.createdAt,
  );
}

export function defaultShouldStore(status: number): boolean {
  return status < 400 || status >= 500;
}
