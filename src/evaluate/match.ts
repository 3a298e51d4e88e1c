/**
 * Comparing a field's value with the value a criterion names. Deterministic and documented
 * (docs/checks.md#comparing-values):
 * - arrays match when an element matches (`to` includes `alice@example.com`);
 * - email addresses compare case-insensitively and match `Name <address>`;
 * - numbers compare numerically (`4500` = 4500), booleans by `true`/`false`;
 * - other strings compare exactly; `contains` is a case-insensitive substring test;
 * - `/re/flags` values are regular expressions for `matches`.
 */
import { normalizeStatus } from './capture-view.js';

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

/** The bare address of `Name <addr@x>` or `addr@x`; undefined when not an address. */
export function addressOf(value: string): string | undefined {
  const m = /<([^<>]+)>\s*$/.exec(value);
  const a = (m ? m[1] : value).trim();
  return ADDRESS.test(a) ? a.toLowerCase() : undefined;
}

function scalarEquals(actual: unknown, expected: string, opts: { status?: boolean }): boolean {
  if (actual === null || actual === undefined) return expected === 'null' || expected === '';
  if (typeof actual === 'number') {
    const n = Number(expected.replace(/,/g, ''));
    return expected.trim() !== '' && Number.isFinite(n) && n === actual;
  }
  if (typeof actual === 'boolean') return expected.toLowerCase() === String(actual);
  if (typeof actual === 'string') {
    if (actual === expected) return true;
    if (opts.status && normalizeStatus(actual) === normalizeStatus(expected)) return true;
    const a = addressOf(actual);
    const e = addressOf(expected);
    if (a !== undefined && e !== undefined) return a === e;
    return false;
  }
  if (typeof actual === 'object') {
    // Objects such as `{ name, value }` tags: match on any scalar member.
    return Object.values(actual as Record<string, unknown>).some((v) => typeof v !== 'object' && scalarEquals(v, expected, opts));
  }
  return false;
}

/** `is` / `equals`: scalars compare; an array equals a value when it holds exactly that one value, or the value as JSON. */
export function valueEquals(actual: unknown, expected: string, opts: { status?: boolean } = {}): boolean {
  if (Array.isArray(actual)) {
    if (actual.length === 1 && scalarEquals(actual[0], expected, opts)) return true;
    return JSON.stringify(actual) === expected;
  }
  if (actual !== null && typeof actual === 'object') {
    try {
      return JSON.stringify(actual) === JSON.stringify(JSON.parse(expected));
    } catch {
      return false;
    }
  }
  return scalarEquals(actual, expected, opts);
}

/** Filters (`to V`, `with status V`): arrays by inclusion, scalars as `valueEquals`. */
export function valueMatchesFilter(actual: unknown, expected: string, opts: { status?: boolean; wildcard?: boolean } = {}): boolean {
  if (Array.isArray(actual)) return actual.some((el) => (opts.wildcard && el === '*') || scalarEquals(el, expected, opts));
  return scalarEquals(actual, expected, opts);
}

/** `includes` / `contains`: array inclusion; string substring (case-insensitive). */
export function valueContains(actual: unknown, expected: string): boolean {
  if (Array.isArray(actual)) return actual.some((el) => scalarEquals(el, expected, {}) || (typeof el === 'string' && el.toLowerCase().includes(expected.toLowerCase())));
  if (typeof actual === 'string') return actual.toLowerCase().includes(expected.toLowerCase());
  if (actual !== null && typeof actual === 'object') return JSON.stringify(actual).toLowerCase().includes(expected.toLowerCase());
  if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual).includes(expected);
  return false;
}

/** `/welcome/i` → RegExp; a plain string is a case-sensitive pattern. Invalid → undefined. */
export function toRegExp(value: string): RegExp | undefined {
  const m = /^\/(.+)\/([dgimsuy]*)$/s.exec(value.trim());
  try {
    return m ? new RegExp(m[1], m[2].replace(/g/g, '')) : new RegExp(value);
  } catch {
    return undefined;
  }
}

export function valueMatchesRegExp(actual: unknown, re: RegExp): boolean {
  if (Array.isArray(actual)) return actual.some((el) => valueMatchesRegExp(el, re));
  if (actual === null || actual === undefined) return false;
  return re.test(typeof actual === 'string' ? actual : JSON.stringify(actual));
}

/** Any top-level field of the row matches the value (`for \`pi_abc\``, `A domain \`x\` exists`). */
export function anyFieldMatches(row: Record<string, unknown>, expected: string, opts: { wildcard?: boolean } = {}): boolean {
  return Object.values(row).some((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? false : valueMatchesFilter(v, expected, opts)));
}

/** How a value is shown in messages. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return `\`${value}\``;
  const json = JSON.stringify(value);
  return `\`${json.length > 200 ? `${json.slice(0, 200)}…` : json}\``;
}
