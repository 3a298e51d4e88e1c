/**
 * Counts and existence: "Exactly 1 email is created in the Resend mirror", "At least 2
 * contacts were added", "No emails were sent", "There are 3 domains", "A domain
 * `mail.acme.com` exists", "A webhook endpoint for `email.delivered` was registered",
 * "Exactly 1 email was delivered".
 *
 * Scope: creation verbs (created, sent, added, …) count rows the run created (in `after`,
 * not in `before`); exist/remain/"there are"/"in total" count every row in `after`; a
 * status verb ("delivered", "bounced", "verified") counts rows whose status reached that
 * value during the run.
 */
import type { CheckOutcome, RunCapture } from '../types.js';
import type { Sentence } from '../text.js';
import { listIds } from '../text.js';
import { createdRows, fieldHistory, rowId, rowsOf, statusFromWord, normalizeStatus, type Row } from '../capture-view.js';
import { fail, verdict, type GrammarPattern } from './outcome.js';
import {
  ADVERBS,
  AUX,
  applyFilters,
  compare,
  extractMirror,
  extractTotal,
  filterLabel,
  mirrorLabel,
  missingMirrorMessage,
  parseNounPhrase,
  parseQualifiers,
  parseQuantifier,
  singularQuantity,
  type NounPhrase,
  type Quantifier,
} from './phrase.js';

export const CREATION_VERBS = new Set([
  'created',
  'sent',
  'added',
  'registered',
  'received',
  'made',
  'issued',
  'inserted',
  'recorded',
  'stored',
  'saved',
  'posted',
  'generated',
  'submitted',
  'placed',
  'opened up',
]);
export const EXIST_VERBS = new Set(['exist', 'exists', 'existed', 'remain', 'remains', 'remained', 'left', 'present', 'there']);

/** Verbs about webhook traffic; counts on the `webhook` noun leave them to the webhook pattern. */
export const TRAFFIC_VERBS = new Set(['received', 'delivered', 'sent', 'dispatched', 'fired', 'attempted', 'emitted', 'triggered', 'failed', 'rejected', 'acknowledged', 'handled', 'processed']);

type Scope = { kind: 'created'; verb: string } | { kind: 'all' } | { kind: 'status'; verb: string; value: string };

interface CountSentence {
  quant: Quantifier;
  phrase: NounPhrase;
  scope: Scope;
  vendor?: string;
}

function statusReached(phrase: NounPhrase, row: Row, value: string): boolean {
  const { mirror, noun } = phrase.ref;
  const field = noun.status!.field;
  const history = fieldHistory(mirror, noun.entity, row, field);
  const existed = rowsOf(mirror.before, noun.entity).some((r) => rowId(r) === rowId(row));
  // Reached during the run: the value appears in the history after the pre-run value.
  return history.slice(existed ? 1 : 0).some((v) => normalizeStatus(v) === normalizeStatus(value));
}

function countRows(c: CountSentence): { rows: Row[]; unfiltered: Row[]; seeded: Row[] } {
  const { mirror, noun } = c.phrase.ref;
  const after = rowsOf(mirror.after, noun.entity);
  const created = createdRows(mirror, noun.entity);
  let unfiltered: Row[];
  if (c.scope.kind === 'created') unfiltered = created;
  else if (c.scope.kind === 'status') {
    const base = c.phrase.fresh ? created : after;
    unfiltered = base.filter((r) => statusReached(c.phrase, r, (c.scope as { value: string }).value));
  } else unfiltered = c.phrase.fresh ? created : after;
  const rows = applyFilters(unfiltered, c.phrase);
  const createdIds = new Set(created.map(rowId));
  const seeded = c.scope.kind === 'created' ? applyFilters(after.filter((r) => !createdIds.has(rowId(r))), c.phrase) : [];
  return { rows, unfiltered, seeded };
}

/** Parse "<quant> <noun phrase> [aux] [verb] [qualifiers]" and "There are <quant> <noun phrase> …". */
function parseCount(sentence: Sentence, capture: RunCapture): CountSentence | CheckOutcome | undefined {
  const scoped = extractMirror(capture, sentence.tokens);
  const totals = extractTotal(scoped.tokens);
  let tokens = totals.tokens;
  let there = false;
  if (tokens[0]?.toLowerCase() === 'there' && AUX.has(tokens[1]?.toLowerCase() ?? '')) {
    there = true;
    tokens = tokens.slice(2);
  }
  const quant = parseQuantifier(tokens);
  if (!quant) return undefined;
  tokens = tokens.slice(quant.consumed);
  // Find the verb: the first aux or verb word after the noun.
  let v = 1;
  while (v < tokens.length) {
    const w = tokens[v].toLowerCase();
    if (AUX.has(w) || CREATION_VERBS.has(w) || EXIST_VERBS.has(w)) break;
    v++;
  }
  // A status verb directly after the noun ("2 emails bounced") is found by trying the noun.
  const nounTokens = tokens.slice(0, v);
  let after = tokens.slice(v);
  while (after.length > 0 && (AUX.has(after[0].toLowerCase()) || ADVERBS.has(after[0].toLowerCase()))) after = after.slice(1);
  let verb: string | undefined = after[0]?.toLowerCase();
  let tail = after.slice(1);
  let parsed = parseNounPhrase(capture, sentence, nounTokens, scoped.vendor);
  if (!parsed.ok && v === tokens.length) {
    // No aux/creation verb: "2 emails bounced to `x`" — the verb is a status word inside.
    for (let k = tokens.length - 1; k >= 1; k--) {
      const attempt = parseNounPhrase(capture, sentence, tokens.slice(0, k), scoped.vendor);
      if (attempt.ok && statusFromWord(attempt.phrase.ref.noun, tokens[k])) {
        parsed = attempt;
        verb = tokens[k].toLowerCase();
        tail = tokens.slice(k + 1);
        break;
      }
    }
  }
  if (!parsed.ok) {
    if (parsed.reason === 'ambiguous') return fail('count', parsed.message);
    return undefined;
  }
  const phrase = parsed.phrase;
  let scope: Scope;
  if (verb === undefined || EXIST_VERBS.has(verb)) scope = { kind: 'all' };
  else if (phrase.ref.noun.entity === '_webhook_endpoints' && TRAFFIC_VERBS.has(verb) && verb !== 'registered') return undefined;
  else if (CREATION_VERBS.has(verb)) scope = { kind: 'created', verb };
  else {
    const status = statusFromWord(phrase.ref.noun, verb);
    if (!status) return undefined;
    scope = { kind: 'status', verb, value: status };
  }
  if (there && scope.kind === 'created' && verb === undefined) scope = { kind: 'all' };
  if (totals.total && scope.kind === 'created') scope = { kind: 'all' };
  // Qualifiers after the verb ("were sent to `x`").
  const more = parseQualifiers(sentence, tail);
  if (!more) return undefined;
  phrase.qualifiers.push(...more);
  if (scoped.missing) return fail('count', missingMirrorMessage(capture, scoped.missing));
  return { quant, phrase, scope, vendor: phrase.ref.vendor };
}

function describe(c: CountSentence, capture: RunCapture, n: number): string {
  const { ref } = c.phrase;
  const singular = c.quant.label === 'no' ? false : n === 1;
  const nounWord = singular ? ref.singular : ref.plural;
  const filters = filterLabel(c.phrase);
  const verb = c.scope.kind === 'all' ? '' : ` ${c.scope.verb}`;
  return `${nounWord}${filters ? ` ${filters}` : ''}${verb} in ${mirrorLabel(capture, ref.vendor)}`;
}

export const countPattern: GrammarPattern = {
  name: 'count',
  match(sentence, capture) {
    const c = parseCount(sentence, capture);
    if (!c || !('quant' in c)) return c;
    const { rows, seeded } = countRows(c);
    const ids = rows.map(rowId);
    const n = rows.length;
    const ok = compare(n, c.quant);
    const { ref } = c.phrase;
    const expectedNoun = singularQuantity(c.quant) ? ref.singular : ref.plural;
    const filters = filterLabel(c.phrase);
    const verb = c.scope.kind === 'all' ? '' : ` ${c.scope.verb}`;
    const what = `${expectedNoun}${filters ? ` ${filters}` : ''}${verb} in ${mirrorLabel(capture, ref.vendor)}`;
    const list = n > 0 ? `: ${listIds(ids)}` : '';
    let hint = '';
    if (!ok && n === 0 && seeded.length > 0) {
      hint = ` (${seeded.length} matching ${seeded.length === 1 ? ref.singular : ref.plural} existed before the run: ${listIds(seeded.map(rowId), 5)})`;
    }
    return verdict(
      ok,
      'count',
      `found ${n === 0 ? 'no' : n} ${describe(c, capture, n)} (expected ${c.quant.label})${list}`,
      `expected ${c.quant.label} ${what}, found ${n}${list}${hint}`,
      { op: c.quant.op, count: c.quant.n },
      { count: n, ids },
    );
  },
};
