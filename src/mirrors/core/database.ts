/**
 * One SQLite database per session per mirror. This module owns the engine schema
 * (`_mirra_*` tables), entity tables, the per-database prepared-statement cache, and
 * turning a database into an image (`serialize`) and back.
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export type Sqlite = Database.Database;
export type SqlValue = string | number | bigint | Buffer | null;

/** Entity names become table names, so they are restricted to safe identifiers. */
export const ENTITY_NAME = /^[a-z][a-z0-9_]*$/;

export const ENGINE_SCHEMA = `
CREATE TABLE IF NOT EXISTS _mirra_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _mirra_timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, due_at INTEGER NOT NULL, kind TEXT NOT NULL,
  payload TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _mirra_timers_due ON _mirra_timers(due_at, id);
CREATE TABLE IF NOT EXISTS _mirra_trace (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
  level TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _mirra_webhook_endpoints (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, url TEXT NOT NULL, events TEXT NOT NULL,
  secret TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, source TEXT NOT NULL,
  created_at INTEGER NOT NULL, data TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS _mirra_webhook_deliveries (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
  endpoint_id TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL, content_type TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,
  timer_id INTEGER, last_status INTEGER, last_error TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _mirra_webhook_deliveries_status ON _mirra_webhook_deliveries(status);
CREATE TABLE IF NOT EXISTS _mirra_webhook_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  at INTEGER NOT NULL, url TEXT NOT NULL, headers TEXT NOT NULL, status_code INTEGER,
  ok INTEGER NOT NULL, error TEXT, duration_ms INTEGER NOT NULL, mode TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS _mirra_webhook_attempts_delivery ON _mirra_webhook_attempts(delivery_id);
CREATE TABLE IF NOT EXISTS _mirra_idempotency (
  key TEXT PRIMARY KEY, method TEXT NOT NULL, path TEXT NOT NULL, params_hash TEXT NOT NULL,
  status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _mirra_idempotency_created ON _mirra_idempotency(created_at);
CREATE TABLE IF NOT EXISTS _mirra_rate_limits (
  bucket TEXT PRIMARY KEY, window_start INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _mirra_signature_verifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, endpoint_id TEXT, url TEXT NOT NULL,
  event_type TEXT NOT NULL, status_code INTEGER, verified INTEGER NOT NULL, error TEXT);
`;

export function entitySchema(name: string, indexes: readonly string[] = []): string {
  const lines = [
    `CREATE TABLE IF NOT EXISTS "${name}" (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, data TEXT NOT NULL);`,
    `CREATE INDEX IF NOT EXISTS "${name}__seq" ON "${name}"(seq);`,
  ];
  for (const field of indexes) {
    const safe = field.replace(/[^a-zA-Z0-9_]/g, '_');
    lines.push(`CREATE INDEX IF NOT EXISTS "${name}__${safe}" ON "${name}"(json_extract(data, '$.${field.replace(/'/g, "''")}'));`);
  }
  return lines.join('\n');
}

/** A database plus its statement cache. Swapped wholesale on reset/restore. */
export class SessionDb {
  private readonly statements = new Map<string, Database.Statement>();

  /** better-sqlite3 prepares BEGIN/COMMIT per wrapper: build it once, not per call. */
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  constructor(readonly raw: Sqlite) {
    this.runInTransaction = raw.transaction((fn: () => unknown) => fn());
  }

  prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.prepare(sql).run(...params);
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  /** Run `fn` atomically; nested calls become savepoints (better-sqlite3 semantics). */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction(fn) as T;
  }

  meta(key: string): string | undefined {
    return this.get<{ value: string }>('SELECT value FROM _mirra_meta WHERE key = ?', key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.run('INSERT INTO _mirra_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  close(): void {
    this.statements.clear();
    if (this.raw.open) this.raw.close();
  }
}

/**
 * The database image. A WAL-mode header (bytes 18/19 = 2) is rewritten to legacy (1) so
 * the image opens as an in-memory database, which cannot use WAL.
 */
export function serializeDb(db: Sqlite): Buffer {
  const image = db.serialize();
  if (image.length > 19 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

export function openMemoryImage(image: Buffer): Sqlite {
  return new Database(image);
}

export function openEmpty(): Sqlite {
  return new Database(':memory:');
}

/** Replace a file database with an image and open it in WAL mode. */
export function writeImageFile(path: string, image: Buffer): Sqlite {
  removeDbFiles(path);
  writeFileSync(path, image);
  return openFile(path);
}

export function openFile(path: string): Sqlite {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

export function removeDbFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
  }
}
