/**
 * Generic entity storage: one table per entity, `(id, seq, created_at, updated_at, data JSON)`.
 * Every mutation is traced as a state change. Mirrors needing more can use `ctx.sql`.
 */
import type { SessionDb } from './database.js';

export type Row = Record<string, unknown>;
export type Scalar = string | number | boolean | null;

export interface ListOptions {
  /** Equality on top-level (or dotted) JSON fields. */
  where?: Record<string, Scalar>;
  /** By insertion order. Default `asc`. */
  order?: 'asc' | 'desc';
  limit?: number;
  /** Rows after this id in the chosen order (cursor pagination). */
  after?: string;
  /** Rows before this id in the chosen order. */
  before?: string;
}

export interface EntityStore {
  insert<T extends Row>(entity: string, row: T): T & { id: string };
  get<T extends Row = Row>(entity: string, id: string): T | undefined;
  /** Shallow-merge a patch, or replace with what `fn` returns. Undefined when the row is missing. */
  update<T extends Row = Row>(entity: string, id: string, patch: Partial<NoInfer<T>> | ((current: NoInfer<T>) => NoInfer<T>)): T | undefined;
  remove(entity: string, id: string): boolean;
  list<T extends Row = Row>(entity: string, options?: ListOptions): T[];
  count(entity: string, where?: Record<string, Scalar>): number;
  find<T extends Row = Row>(entity: string, where: Record<string, Scalar>): T | undefined;
}

export interface StoreHooks {
  db(): SessionDb;
  now(): number;
  newId(entity: string): string;
  entities: ReadonlySet<string>;
  changed(entity: string, id: string, before: Row | null, after: Row | null): void;
}

function whereClause(where: Record<string, Scalar> | undefined, params: unknown[]): string[] {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(where ?? {})) {
    const path = `'$.${field.replace(/'/g, "''")}'`;
    if (value === null) {
      parts.push(`json_extract(data, ${path}) IS NULL`);
    } else {
      parts.push(`json_extract(data, ${path}) = ?`);
      params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
  }
  return parts;
}

export function createEntityStore(hooks: StoreHooks): EntityStore {
  const table = (entity: string): string => {
    if (!hooks.entities.has(entity)) throw new Error(`Unknown entity '${entity}'. Declared: ${[...hooks.entities].join(', ')}`);
    return `"${entity}"`;
  };
  const parse = <T>(r: { data: string } | undefined): T | undefined => (r ? (JSON.parse(r.data) as T) : undefined);

  const store: EntityStore = {
    insert(entity, row) {
      const t = table(entity);
      const db = hooks.db();
      const id = typeof row.id === 'string' && row.id !== '' ? row.id : hooks.newId(entity);
      const full = { ...row, id } as typeof row & { id: string };
      const seq = (db.get<{ s: number }>(`SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM ${t}`)?.s ?? 1) as number;
      const now = hooks.now();
      db.run(`INSERT INTO ${t} (id, seq, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?)`, id, seq, now, now, JSON.stringify(full));
      hooks.changed(entity, id, null, full);
      return full;
    },
    get(entity, id) {
      return parse(hooks.db().get<{ data: string }>(`SELECT data FROM ${table(entity)} WHERE id = ?`, id));
    },
    update(entity, id, patch) {
      const t = table(entity);
      const db = hooks.db();
      const before = parse<Row>(db.get<{ data: string }>(`SELECT data FROM ${t} WHERE id = ?`, id));
      if (!before) return undefined;
      const after = typeof patch === 'function' ? (patch as (c: Row) => Row)(structuredClone(before)) : { ...before, ...patch };
      (after as Row).id = id;
      db.run(`UPDATE ${t} SET data = ?, updated_at = ? WHERE id = ?`, JSON.stringify(after), hooks.now(), id);
      hooks.changed(entity, id, before, after);
      return after as never;
    },
    remove(entity, id) {
      const t = table(entity);
      const db = hooks.db();
      const before = parse<Row>(db.get<{ data: string }>(`SELECT data FROM ${t} WHERE id = ?`, id));
      if (!before) return false;
      db.run(`DELETE FROM ${t} WHERE id = ?`, id);
      hooks.changed(entity, id, before, null);
      return true;
    },
    list(entity, options = {}) {
      const t = table(entity);
      const db = hooks.db();
      const params: unknown[] = [];
      const parts = whereClause(options.where, params);
      const desc = options.order === 'desc';
      for (const [cursor, isAfter] of [
        [options.after, true],
        [options.before, false],
      ] as const) {
        if (cursor === undefined) continue;
        const seq = db.get<{ seq: number }>(`SELECT seq FROM ${t} WHERE id = ?`, cursor)?.seq;
        if (seq === undefined) continue;
        parts.push(`seq ${isAfter !== desc ? '>' : '<'} ?`);
        params.push(seq);
      }
      const sql =
        `SELECT data FROM ${t}` +
        (parts.length ? ` WHERE ${parts.join(' AND ')}` : '') +
        ` ORDER BY seq ${desc ? 'DESC' : 'ASC'}` +
        (options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '');
      return db.all<{ data: string }>(sql, ...params).map((r) => JSON.parse(r.data));
    },
    count(entity, where) {
      const params: unknown[] = [];
      const parts = whereClause(where, params);
      return hooks.db().get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table(entity)}${parts.length ? ` WHERE ${parts.join(' AND ')}` : ''}`, ...params)!.n;
    },
    find(entity, where) {
      return store.list(entity, { where, limit: 1 })[0] as never;
    },
  };
  return store;
}
