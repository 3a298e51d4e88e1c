/**
 * Parameter schemas. Stripe receives strings (form encoding) and coerces them by schema;
 * unknown names answer `parameter_unknown`, bad integers `parameter_invalid_integer`, a
 * missing required one `parameter_missing`. An empty string means "unset" (null).
 */
import type { RouteContext } from '../core/context.js';
import { invalid, missingParam, unknownParam } from './errors.js';

export type Spec =
  | 'string'
  | 'int'
  | 'bool'
  | 'metadata'
  | 'strings'
  | 'any'
  | 'timestamp_or_now'
  | { enum: readonly string[] }
  | { object: Record<string, Spec> }
  | { array: Spec }
  | { oneOf: Spec[] };

export type Schema = Record<string, Spec>;
export type Params = Record<string, any>;

const COMMON: Schema = { expand: 'strings' };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function enumMessage(param: string, values: readonly string[]): string {
  const list = values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}` : values[0];
  return `Invalid ${param}: must be one of ${list}`;
}

function coerce(spec: Spec, value: unknown, param: string): unknown {
  if (value === '' && spec !== 'string' && spec !== 'metadata' && spec !== 'any') return null;
  if (spec === 'any') return value;
  if (spec === 'string') {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return invalid(`Invalid string: ${JSON.stringify(value)}`, param);
  }
  if (spec === 'int') {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
    return invalid(`Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, param, 'parameter_invalid_integer');
  }
  if (spec === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    return invalid(`Invalid boolean: ${typeof value === 'string' ? value : JSON.stringify(value)}`, param);
  }
  if (spec === 'timestamp_or_now') {
    if (value === 'now') return 'now';
    return coerce('int', value, param);
  }
  if (spec === 'strings') {
    const list = Array.isArray(value) ? value : isObj(value) ? Object.values(value) : [value];
    return list.map((v, i) => coerce('string', v, `${param}[${i}]`));
  }
  if (spec === 'metadata') {
    if (value === '' || value === null) return null;
    if (!isObj(value)) return invalid('Invalid object', param);
    const out: Record<string, string | null> = {};
    const keys = Object.keys(value);
    if (keys.length > 50) invalid('Invalid metadata: metadata can have a maximum of 50 keys.', param);
    for (const k of keys) {
      if (k.length > 40) invalid(`Invalid metadata: metadata keys can be at most 40 characters long (${k}).`, `${param}[${k}]`);
      const v = value[k];
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : invalid('Invalid string', `${param}[${k}]`);
      if (s.length > 500) invalid(`Invalid metadata: metadata values can be at most 500 characters long.`, `${param}[${k}]`);
      out[k] = s === '' ? null : s;
    }
    return out;
  }
  if ('enum' in spec) {
    const s = typeof value === 'string' ? value : String(value);
    if (!spec.enum.includes(s)) return invalid(enumMessage(param, spec.enum), param);
    return s;
  }
  if ('object' in spec) {
    if (!isObj(value)) return invalid('Invalid object', param);
    return parseAgainst(spec.object, value, param);
  }
  if ('array' in spec) {
    const list = Array.isArray(value) ? value : isObj(value) ? Object.values(value) : invalid('Invalid array', param);
    return list.map((v, i) => coerce(spec.array, v, `${param}[${i}]`));
  }
  if ('oneOf' in spec) {
    let last: unknown;
    for (const s of spec.oneOf) {
      try {
        return coerce(s, value, param);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
  return value;
}

function parseAgainst(schema: Schema, input: Record<string, unknown>, prefix?: string): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(input)) {
    const name = prefix ? `${prefix}[${k}]` : k;
    const spec = schema[k];
    if (spec === undefined) unknownParam(name);
    out[k] = coerce(spec!, v, name);
  }
  return out;
}

/**
 * Parse the request's parameters (query merged with the body, as Stripe does) against
 * `schema` (+ `expand`). `required` names must be present and non-empty.
 */
export function params(ctx: RouteContext, schema: Schema, required: string[] = []): Params {
  const body = isObj(ctx.req.body) ? ctx.req.body : {};
  const merged: Record<string, unknown> = { ...ctx.req.query, ...body };
  const out = parseAgainst({ ...COMMON, ...schema }, merged);
  for (const r of required) {
    if (!(r in merged) || merged[r] === undefined) missingParam(r);
    if (merged[r] === '' || out[r] === null) {
      invalid(
        `You passed an empty string for '${r}'. We assume empty values are an attempt to unset a parameter; however '${r}' cannot be unset. You should remove '${r}' from your request or supply a non-empty value.`,
        r,
        'parameter_invalid_empty',
      );
    }
  }
  return out;
}

/** Merge a metadata update (null value deletes a key; null metadata clears). */
export function mergeMetadata(current: Record<string, string> | undefined, update: Record<string, string | null> | null | undefined): Record<string, string> {
  if (update === undefined) return current ?? {};
  if (update === null) return {};
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export const LIST_PARAMS: Schema = {
  limit: 'int',
  starting_after: 'string',
  ending_before: 'string',
  created: { oneOf: ['int', { object: { gt: 'int', gte: 'int', lt: 'int', lte: 'int' } }] },
};

export const ADDRESS: Spec = {
  object: { city: 'string', country: 'string', line1: 'string', line2: 'string', postal_code: 'string', state: 'string' },
};

export const CURRENCY: Spec = 'string';

/** Lowercased 3-letter ISO currency, or Stripe's invalid-currency error. */
export function currency(value: unknown, param = 'currency'): string {
  const c = String(value ?? '').toLowerCase();
  if (!/^[a-z]{3}$/.test(c)) invalid(`Invalid currency: ${String(value)}. Stripe currently supports these currencies: usd, aed, afn, all, amd, ang, aoa, ars, aud, awg, azn, bam, bbd, bdt, bgn, bif, bmd, bnd, bob, brl, bsd, bwp, byn, bzd, cad, cdf, chf, clp, cny, cop, crc, cve, czk, djf, dkk, dop, dzd, egp, etb, eur, fjd, fkp, gbp, gel, gip, gmd, gnf, gtq, gyd, hkd, hnl, htg, huf, idr, ils, inr, isk, jmd, jpy, kes, kgs, khr, kmf, krw, kyd, kzt, lak, lbp, lkr, lrd, lsl, mad, mdl, mga, mkd, mmk, mnt, mop, mur, mvr, mwk, mxn, myr, mzn, nad, ngn, nio, nok, npr, nzd, pab, pen, pgk, php, pkr, pln, pyg, qar, ron, rsd, rub, rwf, sar, sbd, scr, sek, sgd, shp, sle, sos, srd, std, szl, thb, tjs, top, try, ttd, twd, tzs, uah, ugx, uyu, uzs, vnd, vuv, wst, xaf, xcd, xcg, xof, xpf, yer, zar, zmw, usdc, btn, ghs, eek, lvl, svc, vef, ltl, sll, mro`, param, 'parameter_invalid_string');
  return c;
}
