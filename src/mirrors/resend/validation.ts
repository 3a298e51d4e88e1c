/** Field checks that answer with Resend's error bodies (422 missing_required_field / validation_error). */
import { fail, invalidField, missingField } from './errors.js';
import { isEmail } from './addresses.js';

export type Body = Record<string, unknown>;

export const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request body must be a JSON object. */
export function objectBody(body: unknown): Body {
  if (!isObject(body)) fail(422, 'validation_error', 'The request body must be a JSON object.');
  return body as Body;
}

const present = (v: unknown) => v !== undefined && v !== null;

export function reqString(body: Body, field: string, { allowEmpty = false } = {}): string {
  const v = body[field];
  if (!present(v) || (v === '' && !allowEmpty)) missingField(field);
  if (typeof v !== 'string') invalidField(`Invalid \`${field}\` field. Expected a string.`);
  return v as string;
}

export function optString(body: Body, field: string): string | null | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') invalidField(`Invalid \`${field}\` field. Expected a string.`);
  return v as string;
}

export function optBool(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') invalidField(`Invalid \`${field}\` field. Expected a boolean.`);
  return v as boolean;
}

export const ADDRESS_FORMAT = 'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';

/** `string | string[]` of addresses → array. `max` recipients (Resend: 50). */
export function addressList(body: Body, field: string, { required = false, max = 50 } = {}): string[] | null {
  const v = body[field];
  if (!present(v) || (Array.isArray(v) && v.length === 0 && required) || v === '') {
    if (required) missingField(field);
    return null;
  }
  const list = Array.isArray(v) ? v : [v];
  if (list.some((x) => typeof x !== 'string')) invalidField(`Invalid \`${field}\` field. ${ADDRESS_FORMAT}`);
  const strings = list as string[];
  for (const s of strings) if (!isAddress(s)) invalidField(`Invalid \`${field}\` field. ${ADDRESS_FORMAT}`);
  if (strings.length > max) invalidField(`Invalid \`${field}\` field. Too many recipients, the maximum is ${max}.`);
  return strings.length === 0 ? null : strings;
}

/** `a@b.c` or `Name <a@b.c>`. */
export function isAddress(s: string): boolean {
  const m = /^\s*(?:"[^"]*"|[^<>]*?)\s*<\s*([^<>\s]+)\s*>\s*$/.exec(s);
  return isEmail(m ? m[1] : s);
}

export function checkEmailField(value: string, field: string): string {
  if (!isEmail(value)) invalidField(`Invalid \`${field}\` field. ${ADDRESS_FORMAT}`);
  return value.trim();
}
