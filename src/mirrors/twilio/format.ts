/** Twilio's wire formats: SIDs, dates (RFC 2822 on 2010-04-01, ISO 8601 on v1/v2) and hosts. */
import type { SessionContext } from '../core/context.js';
import { HEX } from '../core/ids.js';

export const API_VERSION = '2010-04-01';
export const API_HOST = 'https://api.twilio.com';
export const VERIFY_HOST = 'https://verify.twilio.com';
export const MESSAGING_HOST = 'https://messaging.twilio.com';

/** `SM` + 32 lowercase hex, like every Twilio SID. */
export const newSid = (ctx: SessionContext, prefix: string): string => ctx.ids.next(prefix, 32, HEX);

/** `Thu, 24 Aug 2023 05:01:45 +0000` (2010-04-01 API). */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** `2015-07-30T20:00:00Z` (v1/v2 APIs: whole seconds). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parse either format (seed rows may use any ISO time or a relative `-2h`). */
export function parseDate(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  return Date.parse(value.replace(/ \+0000$/, ' GMT'));
}

export const accountPath = (ctx: SessionContext): string => `/${API_VERSION}/Accounts/${ctx.credentials.apiKey}`;

/** Form values arrive as strings (or arrays for repeated keys): the first string, trimmed of nothing. */
export function str(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** Twilio booleans on the wire: `true`/`false` (also `True`, `1`). */
export function bool(value: unknown): boolean | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  const l = s.toLowerCase();
  if (l === 'true' || l === '1') return true;
  if (l === 'false' || l === '0') return false;
  return undefined;
}

/** All values of a repeatable form key (`MediaUrl=a&MediaUrl=b`). */
export function strs(value: unknown): string[] {
  if (value === undefined) return [];
  const arr = Array.isArray(value) ? value : [value];
  return arr.filter((v): v is string => typeof v === 'string');
}
