/**
 * Twilio list paging. The 2010-04-01 API answers `{ <key>: [...], uri, first_page_uri,
 * next_page_uri, previous_page_uri, page, page_size, start, end }` (relative URIs the SDK
 * prefixes with `https://api.twilio.com`); v1/v2 APIs answer `{ <key>: [...], meta: { page,
 * page_size, first_page_url, previous_page_url, url, next_page_url, key } }` with absolute
 * URLs. Both take `PageSize` (default 50, max 1000), `Page` and `PageToken`: `PA<sid>` is
 * the page after that record, `PB<sid>` the page before it, so a page never shifts when
 * records are added meanwhile.
 */
import type { RouteContext } from '../core/context.js';
import { fail } from './errors.js';
import { str } from './format.js';

export interface PageSlice<T> {
  items: T[];
  page: number;
  pageSize: number;
  start: number;
  nextToken: string | undefined;
  previousToken: string | undefined;
}

const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

function queryString(filters: Array<[string, string]>, pageSize: number, page: number, token?: string): string {
  const parts = filters.map(([k, v]) => `${enc(k)}=${enc(v)}`);
  parts.push(`PageSize=${pageSize}`, `Page=${page}`);
  if (token) parts.push(`PageToken=${token}`);
  return parts.join('&');
}

function intParam(ctx: RouteContext, name: string, fallback: number, min: number, max: number): number {
  const raw = str(ctx.req.query[name]);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) fail(400, 20001, `Invalid ${name}: ${raw}`);
  const n = Number(raw);
  if (n < min || n > max) fail(400, 20001, `Invalid ${name}: ${raw}. ${name} must be between ${min} and ${max}`);
  return n;
}

/** Slice already-ordered rows by `PageSize`, `Page` and `PageToken`. */
export function slice<T>(ctx: RouteContext, rows: T[], sidOf: (row: T) => string): PageSlice<T> {
  const pageSize = intParam(ctx, 'PageSize', 50, 1, 1000);
  const page = intParam(ctx, 'Page', 0, 0, 1_000_000);
  const token = str(ctx.req.query.PageToken);
  let start = page * pageSize;
  if (token && /^P[AB]/.test(token)) {
    const idx = rows.findIndex((r) => sidOf(r) === token.slice(2));
    if (idx !== -1) start = token[1] === 'A' ? idx + 1 : Math.max(0, idx - pageSize);
  }
  const items = rows.slice(start, start + pageSize);
  const hasNext = start + pageSize < rows.length;
  return {
    items,
    page,
    pageSize,
    // Twilio reports the nominal offset of the page, whatever the token resolved to.
    start: page * pageSize,
    nextToken: hasNext && items.length > 0 ? `PA${sidOf(items[items.length - 1])}` : undefined,
    previousToken: start > 0 && items.length > 0 ? `PB${sidOf(items[0])}` : start > 0 ? `PB` : undefined,
  };
}

/** The 2010-04-01 list envelope. `path` is `/2010-04-01/Accounts/AC…/Messages.json`. */
export function page2010<T, R>(
  ctx: RouteContext,
  key: string,
  path: string,
  rows: T[],
  sidOf: (row: T) => string,
  render: (row: T) => R,
  filters: Array<[string, string]> = [],
): Record<string, unknown> {
  const s = slice(ctx, rows, sidOf);
  const uri = (page: number, token?: string) => `${path}?${queryString(filters, s.pageSize, page, token)}`;
  return {
    first_page_uri: uri(0),
    end: s.items.length > 0 ? s.start + s.items.length - 1 : s.start,
    previous_page_uri: s.previousToken !== undefined ? uri(Math.max(0, s.page - 1), s.previousToken.length > 2 ? s.previousToken : undefined) : null,
    [key]: s.items.map(render),
    uri: uri(s.page, str(ctx.req.query.PageToken)),
    page_size: s.pageSize,
    start: s.start,
    next_page_uri: s.nextToken ? uri(s.page + 1, s.nextToken) : null,
    page: s.page,
  };
}

/** The v1/v2 list envelope with `meta`. `base` is `https://verify.twilio.com/v2/Services`. */
export function pageMeta<T, R>(
  ctx: RouteContext,
  key: string,
  base: string,
  rows: T[],
  sidOf: (row: T) => string,
  render: (row: T) => R,
  filters: Array<[string, string]> = [],
): Record<string, unknown> {
  const s = slice(ctx, rows, sidOf);
  const url = (page: number, token?: string) => `${base}?${queryString(filters, s.pageSize, page, token)}`;
  return {
    [key]: s.items.map(render),
    meta: {
      page: s.page,
      page_size: s.pageSize,
      first_page_url: url(0),
      previous_page_url: s.previousToken !== undefined ? url(Math.max(0, s.page - 1), s.previousToken.length > 2 ? s.previousToken : undefined) : null,
      url: url(s.page, str(ctx.req.query.PageToken)),
      next_page_url: s.nextToken ? url(s.page + 1, s.nextToken) : null,
      key,
    },
  };
}
