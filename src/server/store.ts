import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

/** One mirror of a session as stored (credentials are kept so persistent sessions reopen). */
export interface StoredMirror {
  vendor: string;
  version: string;
  apiVersion: string;
  apiKey: string;
  webhookSecret: string;
  /** Session id the engine instance was created with (differs after warm-pool reuse). */
  instanceSessionId: string;
}

export type SessionStatus = 'ready' | 'ended' | 'expired' | 'archived';

export interface SessionRecord {
  id: string;
  workspace: string;
  name: string;
  persistent: boolean;
  status: SessionStatus;
  mirrors: StoredMirror[];
  seeds: Record<string, unknown>;
  options: Record<string, unknown>;
  timeoutSeconds: number;
  createdAt: string;
  createdMs: number;
  expiresAt: string | null;
  endedAt: string | null;
  endedMs: number | null;
  dir: string | null;
  archiveDir: string | null;
  finalStats: Record<string, unknown> | null;
}

export interface SnapshotGroup {
  id: string;
  sessionId: string;
  createdAt: string;
  mirrors: { vendor: string; snapshotId: string; mirrorVersion: string; bytes: number }[];
}

export interface RunRecord {
  id: string;
  workspace: string;
  sessionId: string | null;
  status: string;
  scenario: Record<string, unknown>;
  file: string | null;
  createdAt: string;
  createdMs: number;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  satisfactionScore: number | null;
  runs: number;
  criteria: { label: string; kind: string; passed: number; total: number }[];
  results: unknown[];
  durationMs: number | null;
  error: Record<string, unknown> | null;
  meta: Record<string, unknown>;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, workspace TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, name TEXT NOT NULL, persistent INTEGER NOT NULL,
  status TEXT NOT NULL, mirrors TEXT NOT NULL, seeds TEXT NOT NULL, options TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL, created_at TEXT NOT NULL, created_ms INTEGER NOT NULL,
  expires_at TEXT, ended_at TEXT, ended_ms INTEGER, dir TEXT, archive_dir TEXT, final_stats TEXT
);
CREATE INDEX IF NOT EXISTS sessions_ws_created ON sessions (workspace, created_ms DESC);
CREATE INDEX IF NOT EXISTS sessions_status ON sessions (status);
CREATE TABLE IF NOT EXISTS snapshots (
  id TEXT PRIMARY KEY, session_id TEXT NOT NULL, created_at TEXT NOT NULL, mirrors TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_session ON snapshots (session_id);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, session_id TEXT, status TEXT NOT NULL,
  scenario TEXT NOT NULL, file TEXT, created_at TEXT NOT NULL, created_ms INTEGER NOT NULL,
  updated_at TEXT NOT NULL, started_at TEXT, completed_at TEXT, satisfaction_score REAL,
  runs INTEGER NOT NULL, criteria TEXT NOT NULL, results TEXT NOT NULL, duration_ms INTEGER,
  error TEXT, meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_ws_created ON runs (workspace, created_ms DESC, id DESC);
`;

type Row = Record<string, unknown>;

const json = <T>(text: unknown, fallback: T): T => (typeof text === 'string' ? (JSON.parse(text) as T) : fallback);

/** The control plane's own store: `<dataDir>/mirra.db` (sessions, runs, snapshot index, tokens). */
export class Store {
  readonly db: Db;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ── meta, workspaces, tokens ────────────────────────────────────────────
  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return row ? String(row.value) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Replace the token table: the tokens a server process accepts are exactly those it was started with. */
  setTokens(tokens: { token: string; workspace: string }[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tokens').run();
      for (const t of tokens) {
        this.db.prepare('INSERT OR IGNORE INTO workspaces (id, created_at) VALUES (?, ?)').run(t.workspace, now);
        this.db.prepare('INSERT OR REPLACE INTO tokens (token, workspace) VALUES (?, ?)').run(t.token, t.workspace);
      }
    })();
  }

  workspaceOf(token: string): string | undefined {
    const row = this.db.prepare('SELECT workspace FROM tokens WHERE token = ?').get(token) as Row | undefined;
    return row ? String(row.workspace) : undefined;
  }

  // ── sessions ───────────────────────────────────────────────────────────
  sessionExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(id) !== undefined;
  }

  insertSession(s: SessionRecord): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, workspace, name, persistent, status, mirrors, seeds, options, timeout_seconds,
          created_at, created_ms, expires_at, ended_at, ended_ms, dir, archive_dir, final_stats)
         VALUES (@id, @workspace, @name, @persistent, @status, @mirrors, @seeds, @options, @timeoutSeconds,
          @createdAt, @createdMs, @expiresAt, @endedAt, @endedMs, @dir, @archiveDir, @finalStats)`,
      )
      .run(this.sessionParams(s));
  }

  updateSession(s: SessionRecord): void {
    this.db
      .prepare(
        `UPDATE sessions SET status = @status, mirrors = @mirrors, name = @name, expires_at = @expiresAt,
          ended_at = @endedAt, ended_ms = @endedMs, archive_dir = @archiveDir, final_stats = @finalStats
         WHERE id = @id`,
      )
      .run(this.sessionParams(s));
  }

  private sessionParams(s: SessionRecord) {
    return {
      ...s,
      persistent: s.persistent ? 1 : 0,
      mirrors: JSON.stringify(s.mirrors),
      seeds: JSON.stringify(s.seeds),
      options: JSON.stringify(s.options),
      finalStats: s.finalStats ? JSON.stringify(s.finalStats) : null,
    };
  }

  getSession(id: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSession(row) : undefined;
  }

  /** The live session named `name` in `workspace`, else the most recent ended one. */
  findSessionByName(workspace: string, name: string): SessionRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM sessions WHERE workspace = ? AND name = ?
         ORDER BY (status = 'ready') DESC, created_ms DESC LIMIT 1`,
      )
      .get(workspace, name) as Row | undefined;
    return row ? toSession(row) : undefined;
  }

  liveNameTaken(workspace: string, name: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sessions WHERE workspace = ? AND name = ? AND status = 'ready'`).get(workspace, name) !== undefined;
  }

  sessionsWithStatus(status: SessionStatus): SessionRecord[] {
    return (this.db.prepare('SELECT * FROM sessions WHERE status = ? ORDER BY created_ms').all(status) as Row[]).map(toSession);
  }

  listSessions(filter: {
    workspace: string;
    persistent?: boolean;
    status?: string;
    name?: string;
    limit: number;
    cursor?: { ms: number; id: string };
  }): Page<SessionRecord> {
    const where = ['workspace = @workspace'];
    if (filter.persistent !== undefined) where.push('persistent = @persistent');
    if (filter.status) where.push('status = @status');
    if (filter.name) where.push('name = @name');
    // Ties within one millisecond are broken by insertion order (rowid), newest first.
    if (filter.cursor) where.push('(created_ms < @cms OR (created_ms = @cms AND rowid < (SELECT rowid FROM sessions WHERE id = @cid)))');
    const rows = this.db
      .prepare(`SELECT * FROM sessions WHERE ${where.join(' AND ')} ORDER BY created_ms DESC, rowid DESC LIMIT @lim`)
      .all({
        workspace: filter.workspace,
        persistent: filter.persistent === undefined ? null : filter.persistent ? 1 : 0,
        status: filter.status ?? null,
        name: filter.name ?? null,
        cms: filter.cursor?.ms ?? null,
        cid: filter.cursor?.id ?? null,
        lim: filter.limit + 1,
      }) as Row[];
    return page(rows.map(toSession), filter.limit, (s) => encodeCursor(s.createdMs, s.id));
  }

  /** Session-minutes used by a workspace: live sessions count up to now. */
  minutesUsed(workspace: string, nowMs: number): number {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(COALESCE(ended_ms, @now) - created_ms), 0) AS ms FROM sessions WHERE workspace = @ws')
      .get({ ws: workspace, now: nowMs }) as Row;
    return Number(row.ms) / 60_000;
  }

  // ── snapshots ──────────────────────────────────────────────────────────
  snapshotExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM snapshots WHERE id = ?').get(id) !== undefined;
  }

  insertSnapshot(g: SnapshotGroup): void {
    this.db
      .prepare('INSERT INTO snapshots (id, session_id, created_at, mirrors) VALUES (?, ?, ?, ?)')
      .run(g.id, g.sessionId, g.createdAt, JSON.stringify(g.mirrors));
  }

  getSnapshot(id: string): SnapshotGroup | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as Row | undefined;
    return row ? toSnapshot(row) : undefined;
  }

  listSnapshots(sessionId: string): SnapshotGroup[] {
    return (this.db.prepare('SELECT * FROM snapshots WHERE session_id = ? ORDER BY created_at, id').all(sessionId) as Row[]).map(toSnapshot);
  }

  // ── runs ───────────────────────────────────────────────────────────────
  runExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
  }

  saveRun(r: RunRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO runs (id, workspace, session_id, status, scenario, file, created_at, created_ms,
          updated_at, started_at, completed_at, satisfaction_score, runs, criteria, results, duration_ms, error, meta)
         VALUES (@id, @workspace, @sessionId, @status, @scenario, @file, @createdAt, @createdMs, @updatedAt,
          @startedAt, @completedAt, @satisfactionScore, @runs, @criteria, @results, @durationMs, @error, @meta)`,
      )
      .run({
        ...r,
        scenario: JSON.stringify(r.scenario),
        criteria: JSON.stringify(r.criteria),
        results: JSON.stringify(r.results),
        error: r.error ? JSON.stringify(r.error) : null,
        meta: JSON.stringify(r.meta),
      });
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  listRuns(filter: { workspace: string; status?: string; sessionId?: string; limit: number; cursor?: { ms: number; id: string } }): Page<RunRecord> {
    const where = ['workspace = @workspace'];
    if (filter.status) where.push('status = @status');
    if (filter.sessionId) where.push('session_id = @sessionId');
    if (filter.cursor) where.push('(created_ms < @cms OR (created_ms = @cms AND rowid < (SELECT rowid FROM runs WHERE id = @cid)))');
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY created_ms DESC, rowid DESC LIMIT @lim`)
      .all({
        workspace: filter.workspace,
        status: filter.status ?? null,
        sessionId: filter.sessionId ?? null,
        cms: filter.cursor?.ms ?? null,
        cid: filter.cursor?.id ?? null,
        lim: filter.limit + 1,
      }) as Row[];
    return page(rows.map(toRun), filter.limit, (r) => encodeCursor(r.createdMs, r.id));
  }
}

function page<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  return { data, hasMore, nextCursor: hasMore && data.length > 0 ? cursorOf(data[data.length - 1]!) : null };
}

/** Opaque cursor: base64url of `<createdMs>:<id>` of the last item of the page. */
export function encodeCursor(ms: number, id: string): string {
  return Buffer.from(`${ms}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { ms: number; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,16}):([a-z]{2,5}_[a-z0-9]{1,32})$/.exec(text);
  return m ? { ms: Number(m[1]), id: m[2]! } : undefined;
}

function toSession(row: Row): SessionRecord {
  return {
    id: String(row.id),
    workspace: String(row.workspace),
    name: String(row.name),
    persistent: row.persistent === 1,
    status: row.status as SessionStatus,
    mirrors: json(row.mirrors, []),
    seeds: json(row.seeds, {}),
    options: json(row.options, {}),
    timeoutSeconds: Number(row.timeout_seconds),
    createdAt: String(row.created_at),
    createdMs: Number(row.created_ms),
    expiresAt: (row.expires_at as string | null) ?? null,
    endedAt: (row.ended_at as string | null) ?? null,
    endedMs: row.ended_ms == null ? null : Number(row.ended_ms),
    dir: (row.dir as string | null) ?? null,
    archiveDir: (row.archive_dir as string | null) ?? null,
    finalStats: json(row.final_stats, null),
  };
}

function toSnapshot(row: Row): SnapshotGroup {
  return { id: String(row.id), sessionId: String(row.session_id), createdAt: String(row.created_at), mirrors: json(row.mirrors, []) };
}

function toRun(row: Row): RunRecord {
  return {
    id: String(row.id),
    workspace: String(row.workspace),
    sessionId: (row.session_id as string | null) ?? null,
    status: String(row.status),
    scenario: json(row.scenario, {}),
    file: (row.file as string | null) ?? null,
    createdAt: String(row.created_at),
    createdMs: Number(row.created_ms),
    updatedAt: String(row.updated_at),
    startedAt: (row.started_at as string | null) ?? null,
    completedAt: (row.completed_at as string | null) ?? null,
    satisfactionScore: row.satisfaction_score == null ? null : Number(row.satisfaction_score),
    runs: Number(row.runs),
    criteria: json(row.criteria, []),
    results: json(row.results, []),
    durationMs: row.duration_ms == null ? null : Number(row.duration_ms),
    error: json(row.error, null),
    meta: json(row.meta, {}),
  };
}
