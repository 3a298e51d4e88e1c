/**
 * Read-only helpers over a `RunCapture`: which mirror and noun a phrase names, the rows of
 * an entity before/after the run, which rows the run created or changed, field access and
 * the status history of a row (from the trace's `state` entries).
 */
import type { MirrorCapture, RunCapture, TraceEntry, VocabularyNoun } from './types.js';
import { pluralize, singularize } from './text.js';

export type Row = Record<string, unknown>;

/** Vendors that criteria may name even when they are not part of this run. */
const KNOWN_VENDORS = ['resend', 'stripe', 'twilio'];

export interface NounRef {
  vendor: string;
  mirror: MirrorCapture;
  /** Vocabulary key (`email`). */
  key: string;
  noun: VocabularyNoun;
  singular: string;
  plural: string;
}

export function mirrorList(capture: RunCapture): MirrorCapture[] {
  return Object.values(capture.mirrors);
}

/** The vendor key a word names (`Resend`, `resend`), among this run's mirrors or known ones. */
export function vendorNamed(capture: RunCapture, word: string): { vendor: string; present: boolean } | undefined {
  const w = word.toLowerCase().trim();
  for (const [key, m] of Object.entries(capture.mirrors)) {
    if (key.toLowerCase() === w || m.vendor.toLowerCase() === w || m.displayName.toLowerCase() === w) return { vendor: key, present: true };
  }
  if (KNOWN_VENDORS.includes(w)) return { vendor: w, present: false };
  return undefined;
}

export function displayNameOf(capture: RunCapture, vendor: string): string {
  const m = capture.mirrors[vendor];
  if (m) return m.displayName;
  return vendor.charAt(0).toUpperCase() + vendor.slice(1);
}

/** The vocabulary of a mirror, plus nouns derived from state tables it does not name. */
export function nounsOf(mirror: MirrorCapture): Record<string, VocabularyNoun> {
  const nouns: Record<string, VocabularyNoun> = { ...(mirror.vocabulary ?? {}) };
  const named = new Set(Object.values(nouns).map((n) => n.entity));
  const tables = new Set([...Object.keys(mirror.after ?? {}), ...Object.keys(mirror.before ?? {})]);
  for (const entity of tables) {
    if (named.has(entity) || entity.startsWith('_')) continue;
    const words = entity.replace(/_/g, ' ');
    const parts = words.split(' ');
    const singular = [...parts.slice(0, -1), singularize(parts[parts.length - 1])].join(' ');
    if (nouns[singular]) continue;
    nouns[singular] = { entity, plural: words, fields: {} };
  }
  return nouns;
}

function normalizeWords(s: string): string {
  return s.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export interface NounMatch {
  refs: NounRef[];
  /** Whether the phrase was plural (`emails`). */
  plural: boolean;
}

/**
 * Resolve a noun phrase (`email`, `emails`, `api keys`, `webhook endpoint`) against the
 * capture's vocabularies. Exact names win over aliases; `vendor` restricts the search.
 */
export function resolveNoun(capture: RunCapture, phrase: string, vendor?: string): NounMatch | undefined {
  const p = normalizeWords(phrase);
  if (p === '') return undefined;
  const exact: NounRef[] = [];
  const alias: NounRef[] = [];
  let plural = false;
  for (const [vendorKey, mirror] of Object.entries(capture.mirrors)) {
    if (vendor && vendorKey !== vendor) continue;
    for (const [key, noun] of Object.entries(nounsOf(mirror))) {
      const ref: NounRef = { vendor: vendorKey, mirror, key, noun, singular: key, plural: noun.plural };
      const singulars = [key, noun.entity.replace(/_/g, ' ')].map(normalizeWords);
      const plurals = [noun.plural, noun.entity].map(normalizeWords);
      if (singulars.includes(p) || plurals.includes(p)) {
        exact.push(ref);
        if (plurals.includes(p) && !singulars.includes(p)) plural = true;
        continue;
      }
      for (const a of noun.aliases ?? []) {
        const an = normalizeWords(a);
        if (an === p) alias.push(ref);
        else if (normalizeWords(pluralize(a)) === p) {
          alias.push(ref);
          plural = true;
        }
      }
    }
  }
  const refs = exact.length > 0 ? exact : alias;
  if (refs.length === 0) return undefined;
  return { refs, plural };
}

export function rowsOf(state: Record<string, unknown[]> | undefined, entity: string): Row[] {
  const rows = state?.[entity];
  return Array.isArray(rows) ? (rows.filter((r) => r !== null && typeof r === 'object') as Row[]) : [];
}

export function rowId(row: Row): string {
  const id = row.id ?? row.sid ?? row.uuid;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : JSON.stringify(row);
}

/** Rows in `after` whose id was not in `before`: what the run created. */
export function createdRows(mirror: MirrorCapture, entity: string): Row[] {
  const before = new Set(rowsOf(mirror.before, entity).map(rowId));
  return rowsOf(mirror.after, entity).filter((r) => !before.has(rowId(r)));
}

/** Rows present before and after whose content differs. */
export function changedRows(mirror: MirrorCapture, entity: string): Row[] {
  const before = new Map(rowsOf(mirror.before, entity).map((r) => [rowId(r), JSON.stringify(r)]));
  return rowsOf(mirror.after, entity).filter((r) => {
    const b = before.get(rowId(r));
    return b !== undefined && b !== JSON.stringify(r);
  });
}

/** `a.b.c` path lookup; a path that is itself a key wins (`reply_to`, `last event`). */
export function getPath(row: unknown, path: string): unknown {
  if (row === null || typeof row !== 'object') return undefined;
  const obj = row as Row;
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Row)[part];
  }
  return cur;
}

/** Field word → JSON path through the noun's vocabulary; unknown words are used as paths. */
export function resolveField(noun: VocabularyNoun, word: string): { path: string; known: boolean } {
  const w = normalizeWords(word);
  for (const [k, path] of Object.entries(noun.fields)) {
    if (normalizeWords(k) === w) return { path, known: true };
  }
  if (noun.status && (w === 'status' || w === 'state')) return { path: noun.status.field, known: true };
  if (Object.values(noun.fields).includes(word)) return { path: word, known: true };
  return { path: word.trim().replace(/\s+/g, '_'), known: false };
}

/** Whether the noun knows a field word (vocabulary or status). */
export function hasField(noun: VocabularyNoun, word: string): boolean {
  return resolveField(noun, word).known;
}

/** Newest first by `created_at`/`created`, falling back to position in the table. */
export function mostRecent(rows: Row[]): Row | undefined {
  let best: Row | undefined;
  let bestT = -Infinity;
  let bestI = -1;
  rows.forEach((r, i) => {
    const raw = r.created_at ?? r.created ?? r.date_created ?? r.createdAt;
    let t = typeof raw === 'number' ? (raw < 1e12 ? raw * 1000 : raw) : typeof raw === 'string' ? Date.parse(raw.replace(' ', 'T').replace(/\+00$/, 'Z')) : NaN;
    if (!Number.isFinite(t)) t = -Infinity;
    // Ties (or no timestamps at all) go to the later position in the table.
    if (t > bestT || (t === bestT && i > bestI)) {
      best = r;
      bestT = t;
      bestI = i;
    }
  });
  return best;
}

/** State trace entries (`kind: 'state'`) for one row, oldest first. */
export function stateEntries(mirror: MirrorCapture, entity: string, id: string): TraceEntry[] {
  return (mirror.trace ?? []).filter((e) => e.kind === 'state' && e.data.entity === entity && String(e.data.entityId) === id);
}

function fieldIn(snapshot: unknown, field: string): unknown {
  if (snapshot === null || snapshot === undefined) return undefined;
  if (typeof snapshot === 'string') {
    // Trimmed trace bodies are strings; pull `"field":"value"` out of the JSON text.
    const m = new RegExp(`"${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}":"([^"]*)"`).exec(snapshot);
    return m ? m[1] : undefined;
  }
  return getPath(snapshot, field);
}

/** The successive values of `field` for a row: before the run, each change in the trace, now. */
export function fieldHistory(mirror: MirrorCapture, entity: string, row: Row, field: string): unknown[] {
  const id = rowId(row);
  const history: unknown[] = [];
  const push = (v: unknown) => {
    if (v === undefined) return;
    if (history.length === 0 || JSON.stringify(history[history.length - 1]) !== JSON.stringify(v)) history.push(v);
  };
  const before = rowsOf(mirror.before, entity).find((r) => rowId(r) === id);
  if (before) push(getPath(before, field));
  for (const e of stateEntries(mirror, entity, id)) {
    push(fieldIn(e.data.before, field));
    push(fieldIn(e.data.after, field));
  }
  push(getPath(row, field));
  return history;
}

/** Normalise a status word for comparison (`Delivery delayed` → `delivery_delayed`, `cancelled` → `canceled`). */
export function normalizeStatus(value: unknown): string {
  return String(value)
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_')
    .replace(/cancelled/g, 'canceled');
}

/** The status value a past-tense or adjective word names for a noun (`delivered`, `was verified`). */
export function statusFromWord(noun: VocabularyNoun, word: string): string | undefined {
  if (!noun.status) return undefined;
  const w = normalizeStatus(word);
  const candidates = [w, w.replace(/ed$/, ''), w.replace(/d$/, ''), w.replace(/ed$/, 'e')];
  for (const v of noun.status.values) {
    const n = normalizeStatus(v);
    if (candidates.includes(n) || n === `${w}ed` || n === `${w}d`) return v;
  }
  return undefined;
}
