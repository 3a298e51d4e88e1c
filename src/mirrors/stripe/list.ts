/**
 * List endpoints: `{ object: 'list', data, has_more, url }`, newest first, `limit` 1–100
 * (default 10), `starting_after` / `ending_before` cursors; and `expand` (dotted paths,
 * `data.` prefixed on lists) resolved against the session's tables.
 */
import type { RouteContext, SessionContext } from '../core/context.js';
import type { Scalar } from '../core/store.js';
import { invalid, noSuch } from './errors.js';
import { kindOfId, type Kind, type Obj } from './objects.js';
import type { Params } from './params.js';

export interface ListOptions {
  where?: Record<string, Scalar>;
  /** Extra in-memory filter. */
  filter?: (row: Obj) => boolean;
  /** Transform each row before expansion (e.g. render a view). */
  view?: (row: Obj) => Obj;
}

function createdMatches(row: Obj, created: unknown): boolean {
  if (created === undefined || created === null) return true;
  const c = Number(row.created);
  if (typeof created === 'number') return c === created;
  const f = created as Record<string, number | undefined>;
  if (f.gt !== undefined && !(c > f.gt)) return false;
  if (f.gte !== undefined && !(c >= f.gte)) return false;
  if (f.lt !== undefined && !(c < f.lt)) return false;
  if (f.lte !== undefined && !(c <= f.lte)) return false;
  return true;
}

export function listReply(ctx: RouteContext, kind: Kind, p: Params, url: string, options: ListOptions = {}): Obj {
  const limit = p.limit ?? 10;
  if (limit < 1) invalid('This value must be greater than or equal to 1.', 'limit', 'parameter_invalid_integer');
  if (limit > 100) invalid('This value must be less than or equal to 100.', 'limit', 'parameter_invalid_integer');
  if (p.starting_after && p.ending_before) invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before', 'parameters_exclusive');
  let rows = ctx.db.list<Obj>(kind.entity, { where: options.where, order: 'desc' });
  if (options.filter) rows = rows.filter(options.filter);
  if (p.created !== undefined) rows = rows.filter((r) => createdMatches(r, p.created));
  let slice: Obj[];
  let hasMore: boolean;
  if (p.starting_after) {
    const i = rows.findIndex((r) => r.id === p.starting_after);
    if (i === -1) {
      if (!ctx.db.get(kind.entity, p.starting_after)) noSuch(kind.noun, p.starting_after, 'starting_after');
      slice = [];
      hasMore = false;
    } else {
      slice = rows.slice(i + 1, i + 1 + limit);
      hasMore = rows.length > i + 1 + limit;
    }
  } else if (p.ending_before) {
    const i = rows.findIndex((r) => r.id === p.ending_before);
    if (i === -1) {
      if (!ctx.db.get(kind.entity, p.ending_before)) noSuch(kind.noun, p.ending_before, 'ending_before');
      slice = [];
      hasMore = false;
    } else {
      const start = Math.max(0, i - limit);
      slice = rows.slice(start, i);
      hasMore = start > 0;
    }
  } else {
    slice = rows.slice(0, limit);
    hasMore = rows.length > limit;
  }
  const data = slice.map((r) => (options.view ? options.view(r) : r));
  return expand(ctx, { object: 'list', data, has_more: hasMore, url }, p.expand);
}

/** A sub-list as embedded in an object (`items`, `lines`). */
export function embeddedList(data: Obj[], url: string): Obj {
  return { object: 'list', data, has_more: false, total_count: data.length, url };
}

/** Resolve `expand[]` paths in place on a copy of `obj`. */
export function expand(ctx: SessionContext, obj: Obj, paths: string[] | undefined | null, views: Record<string, (row: Obj) => Obj> = {}): Obj {
  if (!paths || paths.length === 0) return obj;
  const out = structuredClone(obj);
  for (const path of paths) {
    if (path.split('.').length > 4) invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    expandPath(ctx, out, path.split('.'), path, views);
  }
  return out;
}

function expandPath(ctx: SessionContext, node: Obj, segments: string[], full: string, views: Record<string, (row: Obj) => Obj>): void {
  const [head, ...rest] = segments;
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(ctx, item, segments, full, views);
    return;
  }
  if (!(head in node)) invalid(`This property cannot be expanded (${full}).`, 'expand');
  let value = node[head];
  if (typeof value === 'string') {
    const kind = kindOfId(value);
    if (!kind) invalid(`This property cannot be expanded (${full}).`, 'expand');
    const row = ctx.db.get<Obj>(kind!.entity, value);
    if (row) {
      value = views[kind!.entity] ? views[kind!.entity](row) : structuredClone(row);
      node[head] = value;
    }
  } else if (value === null) {
    return;
  } else if (rest.length === 0 && typeof value === 'object' && !Array.isArray(value) && typeof value.id === 'string') {
    return; // already expanded
  } else if (rest.length === 0 && head !== 'data') {
    invalid(`This property cannot be expanded (${full}).`, 'expand');
  }
  if (rest.length > 0 && value && typeof value === 'object') expandPath(ctx, value, rest, full, views);
}
