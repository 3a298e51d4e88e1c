/**
 * The session trace: rows in `_mirra_trace` (kept across reset/restore) that checks and
 * judges read, also published as `MirrorEvent`s.
 */
import type { SessionDb } from './database.js';
import type { TraceEntry, TraceQuery } from './host-types.js';

export type TraceKind =
  | 'request'
  | 'state'
  | 'webhook'
  | 'probe'
  | 'timer'
  | 'simulate'
  | 'clock'
  | 'lifecycle'
  | 'error'
  | 'note';

export type { TraceEntry, TraceQuery };
export type TraceLevel = TraceEntry['level'];

export const TRACE_BODY_LIMIT = 4096;

/** Bodies in the trace are trimmed to a few KB: objects stay objects when small enough. */
export function trimForTrace(value: unknown, limit = TRACE_BODY_LIMIT): unknown {
  if (value === undefined || value === null) return value ?? null;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    return value.length > limit ? `${value.slice(0, limit)}…[truncated ${value.length - limit} chars]` : value;
  }
  const json = JSON.stringify(value);
  if (json === undefined) return null;
  return json.length > limit ? `${json.slice(0, limit)}…[truncated ${json.length - limit} chars]` : value;
}

export function insertTrace(db: SessionDb, at: number, kind: TraceKind | string, level: TraceLevel, data: Record<string, unknown>): number {
  return Number(db.run('INSERT INTO _mirra_trace (at, kind, level, data) VALUES (?, ?, ?, ?)', at, kind, level, JSON.stringify(data)).lastInsertRowid);
}

interface TraceRow {
  id: number;
  at: number;
  kind: string;
  level: TraceLevel;
  data: string;
}

export function queryTrace(db: SessionDb, query: TraceQuery = {}): TraceEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (typeof query.since === 'number') {
    where.push('id > ?');
    params.push(query.since);
  } else if (typeof query.since === 'string' && query.since !== '') {
    const ms = Date.parse(query.since);
    if (Number.isFinite(ms)) {
      where.push('at >= ?');
      params.push(ms);
    }
  }
  if (query.kinds && query.kinds.length > 0) {
    where.push(`kind IN (${query.kinds.map(() => '?').join(',')})`);
    params.push(...query.kinds);
  }
  if (query.level) {
    where.push('level = ?');
    params.push(query.level);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sql =
    query.limit !== undefined
      ? `SELECT * FROM (SELECT * FROM _mirra_trace ${clause} ORDER BY id DESC LIMIT ${Math.max(0, Math.floor(query.limit))}) ORDER BY id`
      : `SELECT * FROM _mirra_trace ${clause} ORDER BY id`;
  return db.all<TraceRow>(sql, ...params).map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    level: r.level,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

export type RawTraceRow = TraceRow;

/** Every trace row, to carry across a database swap (reset/restore keep the history). */
export function readTraceRows(db: SessionDb): RawTraceRow[] {
  return db.all<TraceRow>('SELECT * FROM _mirra_trace ORDER BY id');
}

export function writeTraceRows(db: SessionDb, rows: RawTraceRow[]): void {
  db.transaction(() => {
    db.run('DELETE FROM _mirra_trace');
    const insert = db.prepare('INSERT INTO _mirra_trace (id, at, kind, level, data) VALUES (?, ?, ?, ?, ?)');
    for (const r of rows) insert.run(r.id, r.at, r.kind, r.level, r.data);
  });
}
