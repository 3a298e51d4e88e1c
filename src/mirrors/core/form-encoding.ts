/**
 * `application/x-www-form-urlencoded` with bracket nesting, as Stripe and Twilio use it.
 *
 * Decoding accepts what stripe-node sends (`items[0][price]=x`, unescaped brackets), curl
 * style `k[]=a&k[]=b`, percent-encoded brackets (`a%5Bb%5D=1`) and Twilio's repeated plain
 * keys (`MediaUrl=a&MediaUrl=b` → array). Values stay strings: coercion is the mirror's job
 * (it knows its schema). Objects whose keys are all array indices become arrays ordered by
 * index.
 */

type Tree = { [key: string]: Tree | string | Tree[] | string[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PUSH = Symbol('push');

function decodeComponent(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** `a[b][]` → ['a', 'b', PUSH]; a key without brackets is one segment. */
function splitKey(key: string): Array<string | typeof PUSH> {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const segments: Array<string | typeof PUSH> = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\[\]]*)\]/g;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    if (m.index !== consumed) return [key];
    consumed = m.index + m[0].length;
    segments.push(m[1] === '' ? PUSH : m[1]);
  }
  return consumed === rest.length ? segments : [key];
}

export function decodeForm(input: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const pushCounters = new WeakMap<object, number>();
  if (input.length === 0) return root;
  for (const pair of input.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    const segments = splitKey(decodeComponent(rawKey));
    if (segments.some((s) => typeof s === 'string' && FORBIDDEN_KEYS.has(s))) continue;
    let node: Record<string, unknown> = root;
    for (let i = 0; i < segments.length; i++) {
      let seg = segments[i];
      if (seg === PUSH) {
        const n = pushCounters.get(node) ?? Object.keys(node).length;
        pushCounters.set(node, n + 1);
        seg = String(n);
      }
      const last = i === segments.length - 1;
      if (last) {
        const existing = node[seg];
        if (segments.length === 1 && existing !== undefined) {
          // Twilio-style repeated plain key.
          node[seg] = Array.isArray(existing) ? [...existing, value] : [existing, value];
        } else {
          node[seg] = value;
        }
      } else {
        const next = node[seg];
        if (next === undefined || typeof next !== 'object' || next === null || Array.isArray(next)) {
          node[seg] = {};
        }
        node = node[seg] as Record<string, unknown>;
      }
    }
  }
  return arrayify(root) as Record<string, unknown>;
}

function arrayify(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = arrayify(obj[k]);
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,5})$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((i) => obj[String(i)]);
  }
  return obj;
}

export interface EncodeFormOptions {
  /** `indexed` (Stripe: `a[0]=x`) or `repeat` (Twilio: `a=x&a=y`). Default `indexed`. */
  arrays?: 'indexed' | 'repeat';
}

function encodeComponent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The inverse of `decodeForm`, in stripe-node's style: `null` → empty string, `undefined` skipped, Dates → unix seconds. */
export function encodeForm(data: Record<string, unknown>, options: EncodeFormOptions = {}): string {
  const pairs: string[] = [];
  const keyOut = (k: string) => encodeComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']');
  const walk = (prefix: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null) {
      pairs.push(`${keyOut(prefix)}=`);
    } else if (value instanceof Date) {
      pairs.push(`${keyOut(prefix)}=${Math.floor(value.getTime() / 1000)}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(options.arrays === 'repeat' ? prefix : `${prefix}[${i}]`, v));
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(`${prefix}[${k}]`, v);
    } else {
      pairs.push(`${keyOut(prefix)}=${encodeComponent(String(value))}`);
    }
  };
  for (const [k, v] of Object.entries(data)) walk(k, v);
  return pairs.join('&');
}
