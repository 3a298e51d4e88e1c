/** Helpers shared by the route files: the account in the path, `.json` SIDs, form fields. */
import type { RouteContext } from '../../core/context.js';
import { fail, unauthorizedReply } from '../errors.js';
import { ReplyError } from '../../core/context.js';
import { str } from '../format.js';

/** The `AC…` in `/2010-04-01/Accounts/:account/…` must be the authenticated account. */
export function requireAccount(ctx: RouteContext): void {
  const account = ctx.req.params.account?.replace(/\.json$/, '');
  if (account !== ctx.credentials.apiKey) throw new ReplyError(unauthorizedReply());
}

/** `SM….json` → `SM…` (the 2010 API also answers without the extension). */
export const sidParam = (ctx: RouteContext, name = 'sid'): string => (ctx.req.params[name] ?? '').replace(/\.json$/, '');

export function form(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/** A string form field, or undefined when absent. */
export const field = (f: Record<string, unknown>, name: string): string | undefined => str(f[name]);

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A URL-valued parameter: absent → undefined, '' → '' (clears it), invalid → the given error. */
export function urlField(f: Record<string, unknown>, name: string, code = 21609): string | undefined {
  const v = field(f, name);
  if (v === undefined || v === '') return v;
  if (!isHttpUrl(v)) fail(400, code, `Invalid ${name} URL: ${v}`);
  return v;
}

export function methodField(f: Record<string, unknown>, name: string): string | undefined {
  const v = field(f, name);
  if (v === undefined) return undefined;
  const up = v.toUpperCase();
  if (up !== 'GET' && up !== 'POST') fail(400, 20001, `${name} must be either GET or POST`);
  return up;
}
