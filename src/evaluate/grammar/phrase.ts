/**
 * Shared pieces of the check grammar: the mirror a sentence names ("in the Resend
 * mirror"), noun phrases with qualifiers ("email to `alice@example.com` with subject
 * `Welcome`"), quantifiers ("exactly 1", "at least two", "no") and row filters.
 */
import type { RunCapture } from '../types.js';
import { placeholderIndex, valueOf, parseCount, type Sentence, type Value } from '../text.js';
import {
  resolveNoun,
  resolveField,
  getPath,
  vendorNamed,
  displayNameOf,
  mirrorList,
  type NounRef,
  type Row,
} from '../capture-view.js';
import { anyFieldMatches, valueMatchesFilter } from '../match.js';

export const ARTICLES = new Set(['the', 'a', 'an', 'any', 'its', 'their']);
export const AUX = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'being', 'has', 'have', 'had', 'got', 'get', 'gets', 'will', 'should', 'must', 'did', 'do', 'does', 'shall']);
export const ADVERBS = new Set(['successfully', 'correctly', 'actually', 'also', 'ever', 'just', 'then', 'properly', 'all', 'really']);
const PREPS = new Set(['to', 'from', 'with', 'for', 'on', 'whose', 'where', 'having', 'of']);
const PARTICIPLES = new Set(['sent', 'addressed', 'created', 'registered', 'subscribed', 'made', 'issued', 'added', 'delivered']);
const FIELD_CONNECTORS = new Set(['of', '=', '==', ':', 'is', 'equals', 'equal', 'set', 'type', 'value']);
const TOTAL_WORDS = new Set(['total', 'overall', 'altogether']);

export interface Qualifier {
  /** Field word as written (`to`, `subject`), or undefined for "any field". */
  field?: string;
  value: Value;
  /** How the qualifier reads in messages: ``to `alice@example.com` ``. */
  label: string;
}

export interface MirrorScope {
  /** Vendor key named in the sentence, if any. */
  vendor?: string;
  /** A named vendor that is not part of the run. */
  missing?: string;
  tokens: string[];
}

/**
 * Remove "in the Resend mirror" / "in Resend" / "on the Resend API" wherever it appears.
 * Only words that name a vendor are removed ("from `x`" stays a qualifier).
 */
export function extractMirror(capture: RunCapture, tokens: string[]): MirrorScope {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    const w = out[i].toLowerCase();
    if (!['in', 'on', 'via', 'through', 'within', 'inside', 'using', 'by'].includes(w)) continue;
    let j = i + 1;
    if (out[j]?.toLowerCase() === 'the') j++;
    const named = out[j] ? vendorNamed(capture, out[j].replace(/'s$/, '')) : undefined;
    if (!named) continue;
    let end = j + 1;
    if (['mirror', 'api', 'account', 'session', 'state', 'mirror\'s'].includes(out[end]?.toLowerCase() ?? '')) end++;
    out.splice(i, end - i);
    return named.present ? { vendor: named.vendor, tokens: out } : { missing: named.vendor, tokens: out };
  }
  return { tokens: out };
}

/** Remove "in total" / "overall" (count everything, not only what the run created). */
export function extractTotal(tokens: string[]): { tokens: string[]; total: boolean } {
  const out = [...tokens];
  let total = false;
  for (let i = out.length - 1; i >= 0; i--) {
    const w = out[i].toLowerCase();
    if (TOTAL_WORDS.has(w)) {
      total = true;
      const start = i > 0 && ['in', 'all'].includes(out[i - 1].toLowerCase()) ? i - 1 : i;
      out.splice(start, i - start + 1);
      i = start;
    }
  }
  return { tokens: out, total };
}

export type QuantOp = 'eq' | 'gte' | 'lte' | 'lt' | 'gt';

export interface Quantifier {
  op: QuantOp;
  n: number;
  /** `exactly 1`, `at least 2`, `no`. */
  label: string;
  consumed: number;
}

/** A quantifier at the start of `tokens`. */
export function parseQuantifier(tokens: string[]): Quantifier | undefined {
  const t = tokens.map((x) => x.toLowerCase());
  const num = (i: number) => (t[i] !== undefined ? parseCount(t[i]) : undefined);
  const two = `${t[0]} ${t[1] ?? ''}`;
  const three = `${two} ${t[2] ?? ''}`;
  const tryOp = (words: number, op: QuantOp, label: string): Quantifier | undefined => {
    const n = num(words);
    return n === undefined ? undefined : { op, n, label: `${label} ${n}`, consumed: words + 1 };
  };
  if (['no more than', 'not more than'].includes(three)) return tryOp(3, 'lte', 'at most');
  if (['no fewer than', 'no less than', 'not fewer than', 'not less than'].includes(three)) return tryOp(3, 'gte', 'at least');
  if (two === 'at least' || two === 'a minimum') return tryOp(2, 'gte', 'at least');
  if (two === 'at most' || two === 'a maximum' || two === 'up to') return tryOp(2, 'lte', 'at most');
  if (two === 'fewer than' || two === 'less than') return tryOp(2, 'lt', 'fewer than');
  if (two === 'more than' || two === 'greater than') return tryOp(2, 'gt', 'more than');
  if (t[0] === 'over') return tryOp(1, 'gt', 'more than');
  if (['exactly', 'precisely', 'only', 'just'].includes(t[0])) return tryOp(1, 'eq', 'exactly');
  if (['no', 'zero', 'none'].includes(t[0])) return { op: 'eq', n: 0, label: 'no', consumed: t[1] === 'of' ? 2 : 1 };
  if (t[0] === 'a' || t[0] === 'an' || t[0] === 'some') return { op: 'gte', n: 1, label: 'at least 1', consumed: 1 };
  const n = num(0);
  if (n !== undefined) {
    if (t[1] === 'or' && t[2] === 'more') return { op: 'gte', n, label: `at least ${n}`, consumed: 3 };
    if (t[1] === 'or' && (t[2] === 'fewer' || t[2] === 'less')) return { op: 'lte', n, label: `at most ${n}`, consumed: 3 };
    return { op: 'eq', n, label: `exactly ${n}`, consumed: 1 };
  }
  return undefined;
}

export function compare(found: number, q: Pick<Quantifier, 'op' | 'n'>): boolean {
  switch (q.op) {
    case 'eq':
      return found === q.n;
    case 'gte':
      return found >= q.n;
    case 'lte':
      return found <= q.n;
    case 'lt':
      return found < q.n;
    case 'gt':
      return found > q.n;
  }
}

/** Whether the quantity reads singular ("exactly 1 email", "at least 1 email"). */
export function singularQuantity(q: Pick<Quantifier, 'n' | 'label'>): boolean {
  return q.n === 1 && q.label !== 'no';
}

/**
 * Qualifiers after a noun: `to V`, `from V`, `with [the] <field> [of] V`, `whose <field> is V`,
 * `for|on [<field>] V`, `of type V`, optionally after a participle ("sent to V").
 * Returns undefined when some token is not part of a qualifier.
 */
export function parseQualifiers(sentence: Sentence, tokens: string[]): Qualifier[] | undefined {
  const out: Qualifier[] = [];
  let i = 0;
  const isPrep = (k: number) => {
    const w = tokens[k]?.toLowerCase();
    if (w === undefined || !PREPS.has(w)) return false;
    // "equal to", "set to" keep their "to"; "of" only starts a qualifier at the front.
    const prev = tokens[k - 1]?.toLowerCase();
    if (w === 'to' && (prev === 'equal' || prev === 'set')) return false;
    if (w === 'of' && k > i) return false;
    return true;
  };
  while (i < tokens.length) {
    let w = tokens[i].toLowerCase();
    if ((PARTICIPLES.has(w) || w === 'and') && isPrep(i + 1)) {
      i++;
      w = tokens[i].toLowerCase();
    }
    if (!isPrep(i)) return undefined;
    let end = i + 1;
    while (end < tokens.length && !isPrep(end) && !(PARTICIPLES.has(tokens[end].toLowerCase()) && isPrep(end + 1))) end++;
    const segment = tokens.slice(i + 1, end);
    if (segment.length === 0) return undefined;
    const value = valueOf(sentence, segment[segment.length - 1]);
    const fieldWords = segment
      .slice(0, -1)
      .filter((x, k) => !(k === 0 && ARTICLES.has(x.toLowerCase())))
      .filter((x) => !FIELD_CONNECTORS.has(x.toLowerCase()))
      .map((x) => (placeholderIndex(x) !== undefined ? valueOf(sentence, x).raw : x));
    let field: string | undefined;
    if (w === 'to' || w === 'from') {
      if (fieldWords.length > 0) return undefined;
      field = w;
    } else if (fieldWords.length > 0) {
      field = fieldWords.join(' ');
    }
    const shown = value.quoted ? `\`${value.raw}\`` : value.raw;
    const label = w === 'to' || w === 'from' ? `${w} ${shown}` : field ? `with ${field} ${shown}` : `for ${shown}`;
    out.push({ field, value, label });
    i = end;
  }
  return out;
}

export interface NounPhrase {
  ref: NounRef;
  plural: boolean;
  /** "domain `mail.acme.com`": a value naming the row, matched against any field. */
  identity?: Value;
  qualifiers: Qualifier[];
  /** "new emails": count only what the run created. */
  fresh: boolean;
}

export type NounPhraseResult = { ok: true; phrase: NounPhrase } | { ok: false; reason: 'none' } | { ok: false; reason: 'ambiguous'; message: string };

/**
 * `[the] [new] [Resend] <noun> [<value>] [qualifiers]`. Tries the longest noun first so
 * `webhook endpoint` beats `webhook`.
 */
export function parseNounPhrase(capture: RunCapture, sentence: Sentence, tokens: string[], vendor?: string): NounPhraseResult {
  let start = 0;
  let fresh = false;
  let vendorHint = vendor;
  for (;;) {
    const w = tokens[start]?.toLowerCase();
    if (w === undefined) return { ok: false, reason: 'none' };
    if (ARTICLES.has(w)) start++;
    else if (w === 'new' || w === 'newly') {
      fresh = true;
      start++;
    } else if (placeholderIndex(tokens[start]) === undefined && vendorNamed(capture, w)?.present) {
      vendorHint ??= vendorNamed(capture, w)!.vendor;
      start++;
    } else break;
  }
  for (let end = tokens.length; end > start; end--) {
    const words = tokens.slice(start, end);
    if (words.some((x) => placeholderIndex(x) !== undefined)) continue;
    const match = resolveNoun(capture, words.join(' '), vendorHint);
    if (!match) continue;
    let rest = tokens.slice(end);
    let identity: Value | undefined;
    if (rest.length > 0 && placeholderIndex(rest[0]) !== undefined) {
      identity = valueOf(sentence, rest[0]);
      rest = rest.slice(1);
    }
    const qualifiers = parseQualifiers(sentence, rest);
    if (!qualifiers) continue;
    const vendors = [...new Set(match.refs.map((r) => r.vendor))];
    if (vendors.length > 1) {
      const names = vendors.map((v) => displayNameOf(capture, v));
      return {
        ok: false,
        reason: 'ambiguous',
        message: `"${words.join(' ')}" names a noun of several mirrors (${names.join(', ')}); say which one, e.g. "in the ${names[0]} mirror"`,
      };
    }
    return { ok: true, phrase: { ref: match.refs[0], plural: match.plural, identity, qualifiers, fresh } };
  }
  return { ok: false, reason: 'none' };
}

export function filterLabel(phrase: Pick<NounPhrase, 'identity' | 'qualifiers'>): string {
  const parts: string[] = [];
  if (phrase.identity) parts.push(`\`${phrase.identity.raw}\``);
  for (const q of phrase.qualifiers) parts.push(q.label);
  return parts.join(' ');
}

/** Apply identity and qualifiers to rows of the phrase's entity. */
export function applyFilters(rows: Row[], phrase: Pick<NounPhrase, 'ref' | 'identity' | 'qualifiers'>): Row[] {
  const { noun } = phrase.ref;
  const wildcard = noun.entity === '_webhook_endpoints';
  return rows.filter((row) => {
    if (phrase.identity && !anyFieldMatches(row, phrase.identity.raw, { wildcard })) return false;
    for (const q of phrase.qualifiers) {
      if (!q.field) {
        if (!anyFieldMatches(row, q.value.raw, { wildcard })) return false;
        continue;
      }
      const { path } = resolveField(noun, q.field);
      const status = noun.status?.field === path;
      if (!valueMatchesFilter(getPath(row, path), q.value.raw, { status, wildcard })) return false;
    }
    return true;
  });
}

/** "the Resend mirror", or "the Resend and Stripe mirrors" for sentences without a vendor. */
export function mirrorLabel(capture: RunCapture, vendor: string | undefined): string {
  if (vendor) return `the ${displayNameOf(capture, vendor)} mirror`;
  const names = mirrorList(capture).map((m) => m.displayName);
  if (names.length === 1) return `the ${names[0]} mirror`;
  return `the ${names.join(' and ')} mirrors`;
}

export function missingMirrorMessage(capture: RunCapture, vendor: string): string {
  const present = mirrorList(capture).map((m) => m.displayName);
  return `the ${displayNameOf(capture, vendor)} mirror is not part of this run (mirrors: ${present.join(', ') || 'none'})`;
}
