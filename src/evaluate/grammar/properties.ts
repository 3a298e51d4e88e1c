/**
 * Properties of one row: "The email's `from` address is `hello@mail.acme.com`", "The
 * email's `to` includes `alice@example.com`", "The email's subject contains `Welcome`",
 * "`subject` matches `/welcome/i`", "The refund amount is 4500 (in cents)", "The email
 * status is `delivered`", "The email was delivered", "The domain is verified".
 *
 * Which row: the single row the run created (several → fail, saying so), else the only
 * row, else the most recent one. Qualifiers narrow it ("The email to `bob@x.com` …").
 */
import type { CheckOutcome, RunCapture } from '../types.js';
import { placeholderIndex, valueOf, listIds, type Sentence, type Value } from '../text.js';
import {
  createdRows,
  fieldHistory,
  getPath,
  mostRecent,
  nounsOf,
  normalizeStatus,
  resolveField,
  rowId,
  rowsOf,
  statusFromWord,
  type NounRef,
  type Row,
} from '../capture-view.js';
import { show, toRegExp, valueContains, valueEquals, valueMatchesRegExp } from '../match.js';
import { fail, verdict, type GrammarPattern } from './outcome.js';
import { ARTICLES, applyFilters, extractMirror, filterLabel, missingMirrorMessage, parseNounPhrase, type NounPhrase } from './phrase.js';

type Op = 'eq' | 'neq' | 'contains' | 'ncontains' | 'matches' | 'starts' | 'ends' | 'gt' | 'gte' | 'lt' | 'lte';

/** Operator phrases, longest first. `past` marks "was" (status: reached during the run). */
const OPS: Array<{ words: string[]; op: Op; past?: boolean; label: string }> = [
  { words: ['does', 'not', 'include'], op: 'ncontains', label: 'not to include' },
  { words: ['does', 'not', 'contain'], op: 'ncontains', label: 'not to contain' },
  { words: ["doesn't", 'include'], op: 'ncontains', label: 'not to include' },
  { words: ["doesn't", 'contain'], op: 'ncontains', label: 'not to contain' },
  { words: ['is', 'greater', 'than'], op: 'gt', label: 'to be greater than' },
  { words: ['is', 'more', 'than'], op: 'gt', label: 'to be greater than' },
  { words: ['is', 'less', 'than'], op: 'lt', label: 'to be less than' },
  { words: ['is', 'at', 'least'], op: 'gte', label: 'to be at least' },
  { words: ['is', 'at', 'most'], op: 'lte', label: 'to be at most' },
  { words: ['is', 'equal', 'to'], op: 'eq', label: 'to be' },
  { words: ['is', 'set', 'to'], op: 'eq', label: 'to be' },
  { words: ['was', 'set', 'to'], op: 'eq', past: true, label: 'to be' },
  { words: ['is', 'matched', 'by'], op: 'matches', label: 'to match' },
  { words: ['is', 'not'], op: 'neq', label: 'not to be' },
  { words: ["isn't"], op: 'neq', label: 'not to be' },
  { words: ['is', 'exactly'], op: 'eq', label: 'to be' },
  { words: ['should', 'be'], op: 'eq', label: 'to be' },
  { words: ['must', 'be'], op: 'eq', label: 'to be' },
  { words: ['has', 'been'], op: 'eq', past: true, label: 'to be' },
  { words: ['starts', 'with'], op: 'starts', label: 'to start with' },
  { words: ['begins', 'with'], op: 'starts', label: 'to start with' },
  { words: ['ends', 'with'], op: 'ends', label: 'to end with' },
  { words: ['equals'], op: 'eq', label: 'to be' },
  { words: ['is'], op: 'eq', label: 'to be' },
  { words: ['are'], op: 'eq', label: 'to be' },
  { words: ['was'], op: 'eq', past: true, label: 'to be' },
  { words: ['were'], op: 'eq', past: true, label: 'to be' },
  { words: ['='], op: 'eq', label: 'to be' },
  { words: ['=='], op: 'eq', label: 'to be' },
  { words: ['includes'], op: 'contains', label: 'to include' },
  { words: ['include'], op: 'contains', label: 'to include' },
  { words: ['contains'], op: 'contains', label: 'to contain' },
  { words: ['contain'], op: 'contains', label: 'to contain' },
  { words: ['matches'], op: 'matches', label: 'to match' },
  { words: ['match'], op: 'matches', label: 'to match' },
];

const FIELD_FILLERS = new Set(['address', 'addresses', 'field', 'value', 'line', 'header', 'text', 'property', 'attribute']);

interface Split {
  fieldTokens: string[];
  op: (typeof OPS)[number];
  value: Value;
}

/** `<field words> <op> <value>`: the op is found scanning left to right; the value is one token. */
function splitOp(sentence: Sentence, tokens: string[]): Split | undefined {
  if (tokens.length < 3) return undefined;
  const lower = tokens.map((t) => t.toLowerCase());
  for (let i = 1; i < tokens.length - 1; i++) {
    for (const op of OPS) {
      const n = op.words.length;
      if (i + n !== tokens.length - 1) continue;
      if (op.words.every((w, k) => lower[i + k] === w)) {
        return { fieldTokens: tokens.slice(0, i), op, value: valueOf(sentence, tokens[tokens.length - 1]) };
      }
    }
  }
  return undefined;
}

function fieldWord(sentence: Sentence, tokens: string[]): string {
  const words = tokens.map((t) => (placeholderIndex(t) !== undefined ? valueOf(sentence, t).raw : t));
  return words.join(' ');
}

/** Whether any row of the noun's entity carries a value at `path`. */
function rowsHavePath(ref: NounRef, path: string): boolean {
  return [...rowsOf(ref.mirror.after, ref.noun.entity), ...rowsOf(ref.mirror.before, ref.noun.entity)].some((r) => getPath(r, path) !== undefined);
}

/**
 * The field path for words like "`from` address", "subject line", "status". Words the
 * vocabulary does not know are JSON paths (`amount`, `metadata.order_id`) when rows carry them.
 */
function fieldFor(ref: NounRef, words: string): { path: string; word: string; known: boolean } | undefined {
  const direct = resolveField(ref.noun, words);
  if (direct.known) return { path: direct.path, word: words, known: true };
  const parts = words.split(' ');
  while (parts.length > 1 && FIELD_FILLERS.has(parts[parts.length - 1].toLowerCase())) {
    parts.pop();
    const r = resolveField(ref.noun, parts.join(' '));
    if (r.known) return { path: r.path, word: parts.join(' '), known: true };
  }
  const path = words.trim();
  if (/^[A-Za-z_][\w.]*$/.test(path) && rowsHavePath(ref, path)) return { path, word: path, known: false };
  return undefined;
}

type Pick = { ok: true; row: Row; note: string } | { ok: false; message: string };

/** The single created row, else the only row, else the most recent one. */
export function pickRow(capture: RunCapture, phrase: NounPhrase): Pick {
  const { mirror, noun, singular, plural } = phrase.ref;
  const filters = filterLabel(phrase);
  const what = `${singular}${filters ? ` ${filters}` : ''}`;
  const created = applyFilters(createdRows(mirror, noun.entity), phrase);
  if (created.length === 1) return { ok: true, row: created[0], note: 'created during the run' };
  if (created.length > 1) {
    return {
      ok: false,
      message: `expected one ${what} to check, but the run created ${created.length} ${plural}: ${listIds(created.map(rowId))}; name the one you mean (e.g. "the ${singular} to \`…\`")`,
    };
  }
  const all = applyFilters(rowsOf(mirror.after, noun.entity), phrase);
  if (all.length === 0) return { ok: false, message: `expected a ${what} in the ${mirror.displayName} mirror, found none` };
  if (all.length === 1) return { ok: true, row: all[0], note: 'the only one' };
  return { ok: true, row: mostRecent(all)!, note: `the most recent of ${all.length}` };
}

function label(ref: NounRef, row: Row): string {
  return `${ref.singular} ${rowId(row)}`;
}

function compareValue(op: Op, actual: unknown, expected: Value, status: boolean): boolean | { invalid: string } {
  const e = expected.raw;
  switch (op) {
    case 'eq':
      return valueEquals(actual, e, { status });
    case 'neq':
      return !valueEquals(actual, e, { status });
    case 'contains':
      return valueContains(actual, e);
    case 'ncontains':
      return !valueContains(actual, e);
    case 'matches': {
      const re = toRegExp(e);
      return re ? valueMatchesRegExp(actual, re) : { invalid: `\`${e}\` is not a valid regular expression` };
    }
    case 'starts':
      return typeof actual === 'string' && actual.startsWith(e);
    case 'ends':
      return typeof actual === 'string' && actual.endsWith(e);
    default: {
      const n = Number(e);
      if (typeof actual !== 'number' || !Number.isFinite(n)) return false;
      return op === 'gt' ? actual > n : op === 'gte' ? actual >= n : op === 'lt' ? actual < n : actual <= n;
    }
  }
}

function checkProperty(capture: RunCapture, phrase: NounPhrase, fieldWords: string, split: Split): CheckOutcome {
  const field = fieldFor(phrase.ref, fieldWords);
  if (!field) return fail('property', `unknown field "${fieldWords}" of ${phrase.ref.singular}`);
  const picked = pickRow(capture, phrase);
  if (!picked.ok) return fail('property', picked.message);
  const { ref } = phrase;
  const row = picked.row;
  const isStatus = ref.noun.status?.field === field.path;
  const fieldLabel = `\`${field.word}\``;
  if (isStatus && split.op.op === 'eq' && split.op.past) return checkStatus(phrase, row, split.value.raw, true, picked.note);
  const actual = getPath(row, field.path);
  const result = compareValue(split.op.op, actual, split.value, isStatus);
  if (typeof result === 'object') return fail('property', result.invalid);
  const expectedText = split.value.quoted || Number.isNaN(Number(split.value.raw)) ? show(split.value.raw) : split.value.raw;
  return verdict(
    result,
    'property',
    `the ${ref.singular}'s ${fieldLabel} is ${show(actual)} (${label(ref, row)}, ${picked.note})`,
    `expected the ${ref.singular}'s ${fieldLabel} ${split.op.label} ${expectedText}, found ${show(actual)} (${label(ref, row)}, ${picked.note})`,
    { field: field.path, op: split.op.op, value: split.value.raw },
    { id: rowId(row), value: actual },
  );
}

/** Status: `past` = reached during the run (any point of its history); else ended at. */
function checkStatus(phrase: NounPhrase, row: Row, value: string, past: boolean, note: string): CheckOutcome {
  const { ref } = phrase;
  const field = ref.noun.status!.field;
  const target = ref.noun.status!.values.find((v) => normalizeStatus(v) === normalizeStatus(value)) ?? value;
  const history = fieldHistory(ref.mirror, ref.noun.entity, row, field);
  const current = getPath(row, field);
  const existed = rowsOf(ref.mirror.before, ref.noun.entity).some((r) => rowId(r) === rowId(row));
  const during = history.slice(existed ? 1 : 0);
  const ok = past ? during.some((v) => normalizeStatus(v) === normalizeStatus(target)) : normalizeStatus(current) === normalizeStatus(target);
  const trail = history.map((v) => String(v)).join(' → ');
  const what = past ? `to have been ${target} during the run` : `to be ${target}`;
  return verdict(
    ok,
    'status',
    `the ${ref.singular} ${past ? 'was' : 'is'} ${target} (${label(ref, row)}, ${note}; ${field}: ${trail})`,
    `expected the ${ref.singular} ${what}, but its \`${field}\` is ${show(current)} (${label(ref, row)}, ${note}; history: ${trail || '(none)'})`,
    { field, value: target, reached: past },
    { id: rowId(row), value: current, history },
  );
}

function stripArticle(tokens: string[]): string[] {
  return tokens.length > 0 && ARTICLES.has(tokens[0].toLowerCase()) ? tokens.slice(1) : tokens;
}

/** Nouns with the field word, preferring those with rows created in the run. */
function inferNoun(capture: RunCapture, fieldWords: string, vendor?: string): NounRef[] {
  const withField: Array<{ ref: NounRef; created: number }> = [];
  for (const [v, mirror] of Object.entries(capture.mirrors)) {
    if (vendor && v !== vendor) continue;
    for (const [key, noun] of Object.entries(nounsOf(mirror))) {
      const ref: NounRef = { vendor: v, mirror, key, noun, singular: key, plural: noun.plural };
      if (!fieldFor(ref, fieldWords)?.known) continue;
      withField.push({ ref, created: createdRows(mirror, noun.entity).length });
    }
  }
  const created = withField.filter((x) => x.created > 0);
  return (created.length > 0 ? created : withField).map((x) => x.ref);
}

export const propertyPattern: GrammarPattern = {
  name: 'property',
  match(sentence, capture) {
    const scoped = extractMirror(capture, sentence.tokens);
    const tokens = stripArticle(scoped.tokens);
    if (tokens.length < 2) return undefined;
    const missing = () => fail('property', missingMirrorMessage(capture, scoped.missing!));

    // 1. Possessive: "<noun phrase>'s <field words> <op> <value>".
    const pos = tokens.findIndex((t) => /'s$/i.test(t));
    if (pos >= 0) {
      const nounTokens = [...tokens.slice(0, pos), tokens[pos].replace(/'s$/i, '')];
      const phrase = parseNounPhrase(capture, sentence, nounTokens, scoped.vendor);
      const split = splitOp(sentence, tokens.slice(pos + 1));
      if (phrase.ok && split && split.fieldTokens.length > 0) {
        if (scoped.missing) return missing();
        return checkProperty(capture, phrase.phrase, fieldWord(sentence, split.fieldTokens), split);
      }
      if (!phrase.ok && phrase.reason === 'ambiguous' && split) return fail('property', phrase.message);
    }

    const split = splitOp(sentence, tokens);
    if (!split) return undefined;
    const left = split.fieldTokens;

    // 2. "<field words> of [the] <noun phrase> <op> <value>".
    const of = left.findIndex((t) => t.toLowerCase() === 'of');
    if (of > 0) {
      const phrase = parseNounPhrase(capture, sentence, left.slice(of + 1), scoped.vendor);
      if (phrase.ok) {
        if (scoped.missing) return missing();
        return checkProperty(capture, phrase.phrase, fieldWord(sentence, left.slice(0, of)), split);
      }
    }

    // 3. Status: "<noun phrase> was|is <status>" ("The email was delivered", "The domain is verified").
    if (split.op.op === 'eq') {
      const phrase = parseNounPhrase(capture, sentence, left, scoped.vendor);
      if (phrase.ok && phrase.phrase.ref.noun.status) {
        const status = statusFromWord(phrase.phrase.ref.noun, split.value.raw);
        if (status) {
          if (scoped.missing) return missing();
          const picked = pickRow(capture, phrase.phrase);
          if (!picked.ok) return fail('status', picked.message);
          return checkStatus(phrase.phrase, picked.row, status, split.op.past === true, picked.note);
        }
      }
      if (phrase.ok) return undefined;
    }

    // 4. "<noun phrase> <field words> <op> <value>" ("The email status is `delivered`", "The refund amount is 4500").
    for (let k = left.length - 1; k >= 1; k--) {
      const phrase = parseNounPhrase(capture, sentence, left.slice(0, k), scoped.vendor);
      if (!phrase.ok) continue;
      const words = fieldWord(sentence, left.slice(k));
      if (!fieldFor(phrase.phrase.ref, words)) continue;
      if (scoped.missing) return missing();
      return checkProperty(capture, phrase.phrase, words, split);
    }

    // 5. A field alone ("`subject` matches `/welcome/i`", "The subject contains `Welcome`").
    if (left.length <= 3) {
      const words = fieldWord(sentence, left);
      const refs = inferNoun(capture, words, scoped.vendor);
      if (refs.length === 0) return undefined;
      if (scoped.missing) return missing();
      const ref = refs[0];
      return checkProperty(capture, { ref, plural: false, qualifiers: [], fresh: false }, words, split);
    }
    return undefined;
  },
};
