/**
 * Criterion text → a `Sentence` the grammar can match: markdown emphasis removed, quoted
 * values (`backticks`, "double", 'single') replaced by placeholder tokens so regexes never
 * see their content, whitespace collapsed, trailing punctuation and a trailing
 * parenthetical ("(in cents)") dropped.
 */

/** Placeholder token for the n-th quoted value: `⟨n⟩`. */
export const PH_OPEN = '\u27e8';
export const PH_CLOSE = '\u27e9';
const PH_RE = /^\u27e8(\d+)\u27e9$/;

export interface Sentence {
  /** The criterion as written. */
  original: string;
  /** Normalised text with quoted values replaced by `⟨n⟩`. */
  text: string;
  /** Quoted values in order of appearance. */
  values: string[];
  /** `text` split on whitespace. */
  tokens: string[];
}

export function placeholder(n: number): string {
  return `${PH_OPEN}${n}${PH_CLOSE}`;
}

/** The quoted value a token stands for, or undefined when the token is a bare word. */
export function placeholderIndex(token: string): number | undefined {
  const m = PH_RE.exec(token);
  return m ? Number(m[1]) : undefined;
}

export function prepare(criterion: string): Sentence {
  const values: string[] = [];
  let text = criterion.replace(/\r?\n/g, ' ');
  // Code spans first (their content is literal), then double quotes, then single quotes
  // that are clearly quotes (not the apostrophe of "email's").
  text = text.replace(/`([^`]*)`/g, (_m, v: string) => placeholder(values.push(v) - 1));
  text = text.replace(/"([^"]*)"|\u201c([^\u201d]*)\u201d/g, (_m, a?: string, b?: string) => placeholder(values.push(a ?? b ?? '') - 1));
  text = text.replace(/(^|[\s(])'([^'\s][^']*?)'(?=$|[\s.,;:!?)])/g, (_m, pre: string, v: string) => pre + placeholder(values.push(v) - 1));
  text = text
    .replace(/\*\*|__/g, '')
    .replace(/(^|\s)[*_](?=\S)|(?<=\S)[*_](?=\s|$)/g, '$1')
    .replace(/\u2019/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  // "… is 4500 (in cents)." → "… is 4500"
  for (;;) {
    const before = text;
    text = text.replace(/[.!;,\s]+$/, '').replace(/\s*\([^()]*\)$/, '');
    if (text === before) break;
  }
  return { original: criterion, text, values, tokens: text === '' ? [] : text.split(' ') };
}

/** A value token: the quoted value, or a bare word without trailing punctuation. */
export interface Value {
  raw: string;
  quoted: boolean;
}

export function valueOf(sentence: Pick<Sentence, 'values'>, token: string): Value {
  const i = placeholderIndex(token);
  if (i !== undefined) return { raw: sentence.values[i] ?? '', quoted: true };
  return { raw: token.replace(/[,;:!?]+$/, ''), quoted: false };
}

/** Render text that may hold placeholders back with backticks. */
export function restore(sentence: Pick<Sentence, 'values'>, text: string): string {
  return text.replace(/\u27e8(\d+)\u27e9/g, (_m, n: string) => `\`${sentence.values[Number(n)] ?? ''}\``);
}

export const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

/** `3`, `three`, `1,000` → number; anything else → undefined. */
export function parseCount(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w in NUMBER_WORDS) return NUMBER_WORDS[w];
  if (/^\d{1,3}(,\d{3})+$|^\d+$/.test(w)) return Number(w.replace(/,/g, ''));
  return undefined;
}

export function lower(s: string): string {
  return s.toLowerCase();
}

/** `emails` → `email`, `entries` → `entry`, `addresses` → `address`. Good enough for nouns. */
export function singularize(word: string): string {
  const w = word.toLowerCase();
  if (/ies$/.test(w) && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(w)) return w.slice(0, -2);
  if (/[^s]s$/.test(w)) return w.slice(0, -1);
  return w;
}

export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|sh|ch|x|z)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** "1 email", "2 emails", "no emails". */
export function countNoun(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function quote(value: unknown): string {
  if (typeof value === 'string') return `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

/** At most `max` ids, then "… and N more". */
export function listIds(ids: string[], max = 10): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')}, … and ${ids.length - max} more`;
}
