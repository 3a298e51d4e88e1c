/** Timers are rows in the session database, so snapshots and persistence include them. */
import type { SessionDb } from './database.js';

export interface TimerRow {
  id: number;
  dueAt: number;
  kind: string;
  payload: unknown;
  createdAt: number;
}

interface RawTimer {
  id: number;
  due_at: number;
  kind: string;
  payload: string;
  created_at: number;
}

const toRow = (r: RawTimer): TimerRow => ({ id: r.id, dueAt: r.due_at, kind: r.kind, payload: JSON.parse(r.payload), createdAt: r.created_at });

export function scheduleTimer(db: SessionDb, kind: string, dueAt: number, payload: unknown, now: number): number {
  return Number(
    db.run('INSERT INTO _mirra_timers (due_at, kind, payload, created_at) VALUES (?, ?, ?, ?)', Math.round(dueAt), kind, JSON.stringify(payload ?? null), now)
      .lastInsertRowid,
  );
}

export function cancelTimer(db: SessionDb, id: number): boolean {
  return db.run('DELETE FROM _mirra_timers WHERE id = ?', id).changes > 0;
}

/** The earliest timer due at or before `until`, in due order (ties by creation order). */
export function nextDueTimer(db: SessionDb, until: number): TimerRow | undefined {
  const r = db.get<RawTimer>('SELECT * FROM _mirra_timers WHERE due_at <= ? ORDER BY due_at, id LIMIT 1', until);
  return r ? toRow(r) : undefined;
}

export function earliestDueAt(db: SessionDb): number | undefined {
  return db.get<{ d: number | null }>('SELECT MIN(due_at) AS d FROM _mirra_timers')?.d ?? undefined;
}

export function listTimers(db: SessionDb, kind?: string): TimerRow[] {
  const rows = kind
    ? db.all<RawTimer>('SELECT * FROM _mirra_timers WHERE kind = ? ORDER BY due_at, id', kind)
    : db.all<RawTimer>('SELECT * FROM _mirra_timers ORDER BY due_at, id');
  return rows.map(toRow);
}
