/**
 * Verdict cache: SQLite (`.mirra/cache.db` by default). The key is a sha256 of everything
 * the judge saw — evaluator name, model and the whole JudgeInput — so a repeat with identical
 * inputs is free and any change to trace, state, criterion or scenario text is a miss.
 * Errors are never cached. Safe to share between Vitest workers (WAL, busy timeout).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { JudgeInput, JudgeVerdict } from './types.js';

export const DEFAULT_CACHE_PATH = '.mirra/cache.db';
/** Bump when the prompt or key layout changes, so old verdicts are not reused. */
export const CACHE_KEY_VERSION = 1;

export interface VerdictCacheStats {
  hits: number;
  misses: number;
}

export interface VerdictCache {
  readonly path: string;
  key(evaluator: string, input: JudgeInput): string;
  get(key: string): JudgeVerdict | undefined;
  set(key: string, verdict: JudgeVerdict, meta?: { evaluator?: string; model?: string }): void;
  /** Hits and misses of `get` since this cache was opened (or `clear()`ed). */
  stats(): VerdictCacheStats;
  /** Number of stored verdicts. */
  size(): number;
  /** Delete every stored verdict and reset the counters. */
  clear(): void;
  close(): void;
}

/** Stable JSON: object keys sorted, so key order never changes the hash. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export function verdictCacheKey(evaluator: string, input: JudgeInput): string {
  return createHash('sha256').update(canonical({ v: CACHE_KEY_VERSION, evaluator, model: input.model, input })).digest('hex');
}

export function createVerdictCache(options: { path?: string } = {}): VerdictCache {
  const path = options.path === ':memory:' ? ':memory:' : resolve(options.path ?? DEFAULT_CACHE_PATH);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    evaluator TEXT,
    model TEXT,
    verdict TEXT NOT NULL,
    created_at TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
  )`);
  const select = db.prepare<[string], { verdict: string }>('SELECT verdict FROM verdicts WHERE key = ?');
  const bump = db.prepare<[string]>('UPDATE verdicts SET hits = hits + 1 WHERE key = ?');
  const upsert = db.prepare<[string, string | null, string | null, string, string]>(
    'INSERT INTO verdicts (key, evaluator, model, verdict, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at',
  );
  let hits = 0;
  let misses = 0;
  return {
    path,
    key: verdictCacheKey,
    get(key) {
      const row = select.get(key);
      if (!row) {
        misses++;
        return undefined;
      }
      try {
        const verdict = JSON.parse(row.verdict) as JudgeVerdict;
        if (typeof verdict.pass !== 'boolean') throw new Error('bad verdict');
        hits++;
        bump.run(key);
        return verdict;
      } catch {
        misses++;
        return undefined;
      }
    },
    set(key, verdict, meta = {}) {
      upsert.run(key, meta.evaluator ?? null, meta.model ?? null, JSON.stringify(verdict), new Date().toISOString());
    },
    stats: () => ({ hits, misses }),
    size: () => (db.prepare('SELECT COUNT(*) AS n FROM verdicts').get() as { n: number }).n,
    clear() {
      db.exec('DELETE FROM verdicts');
      hits = 0;
      misses = 0;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
