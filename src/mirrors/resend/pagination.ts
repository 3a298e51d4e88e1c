/**
 * Cursor pagination as Resend does it: `limit` (1–100, default 20) and `after` or `before`
 * (never both); answers `{ object: 'list', has_more, data }`, newest first.
 */
import type { EntityStore, Row, Scalar } from '../core/store.js';
import { fail } from './errors.js';

export interface Page<T> {
  object: 'list';
  has_more: boolean;
  data: T[];
}

export interface PageParams {
  limit: number;
  after?: string;
  before?: string;
}

export function readPageParams(query: Record<string, unknown>): PageParams {
  const one = (v: unknown): string | undefined => (Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v));
  const rawLimit = one(query.limit);
  let limit = 20;
  if (rawLimit !== undefined) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 100) {
      fail(422, 'validation_error', 'The `limit` parameter must be an integer between 1 and 100.');
    }
    limit = Number(rawLimit);
  }
  const after = one(query.after);
  const before = one(query.before);
  if (after !== undefined && before !== undefined) {
    fail(422, 'validation_error', 'You can only use one of `after` or `before` parameters.');
  }
  return { limit, after, before };
}

/** Newest first; `after` walks to older rows, `before` to newer ones. */
export function paginate<T extends Row>(
  db: EntityStore,
  entity: string,
  params: PageParams,
  where?: Record<string, Scalar>,
  filter?: (row: T) => boolean,
): { rows: T[]; hasMore: boolean } {
  const keep = (rows: T[]) => (filter ? rows.filter(filter) : rows);
  if (params.before !== undefined) {
    const newer = keep(db.list<T>(entity, { where, order: 'asc', after: params.before }));
    const page = newer.slice(0, params.limit).reverse();
    return { rows: page, hasMore: newer.length > params.limit };
  }
  const rows = keep(db.list<T>(entity, { where, order: 'desc', after: params.after }));
  return { rows: rows.slice(0, params.limit), hasMore: rows.length > params.limit };
}

export function page<T>(data: T[], hasMore: boolean): Page<T> {
  return { object: 'list', has_more: hasMore, data };
}
