/**
 * A small Cucumber-expression matcher for `defineCheck` (the subset users write in step
 * definitions): parameters `{int}`, `{float}`, `{string}` ('…', "…" or `…`), `{word}`, `{}`;
 * optional text `(s)`; alternatives `a/b` within a word; `\` escapes `(`, `{`, `/`, `\`.
 * Matching is case-insensitive, whitespace-tolerant and ignores a trailing period.
 *
 * We own this instead of depending on `@cucumber/cucumber-expressions` because the subset
 * is ~100 lines, we want backticks in `{string}` (criteria are markdown) and
 * case-insensitive matching, which that library does not offer.
 */

export type ParameterType = 'int' | 'float' | 'string' | 'word' | 'anonymous';

export interface CompiledExpression {
  source: string;
  regex: RegExp;
  params: ParameterType[];
}

export class CheckExpressionError extends Error {
  override name = 'CheckExpressionError';
}

const PARAM_RE: Record<ParameterType, string> = {
  int: '(-?\\d+)',
  float: '(-?(?:\\d+(?:\\.\\d+)?|\\.\\d+))',
  string: '(?:"([^"]*)"|\'([^\']*)\'|`([^`]*)`)',
  word: '([^\\s]+)',
  anonymous: '(.*)',
};
const GROUPS: Record<ParameterType, number> = { int: 1, float: 1, string: 3, word: 1, anonymous: 1 };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compile one whitespace-free piece (may hold optionals and alternatives, no params). */
function compileWordPart(part: string, source: string): string {
  // Split on unescaped '/'.
  const alts: string[] = [''];
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === '\\' && i + 1 < part.length) {
      alts[alts.length - 1] += c + part[++i];
    } else if (c === '/') alts.push('');
    else alts[alts.length - 1] += c;
  }
  const compiled = alts.map((alt) => {
    let out = '';
    for (let i = 0; i < alt.length; i++) {
      const c = alt[i];
      if (c === '\\' && i + 1 < alt.length) out += escapeRe(alt[++i]);
      else if (c === '(') {
        const end = alt.indexOf(')', i);
        if (end < 0) throw new CheckExpressionError(`Unclosed "(" in check expression '${source}'`);
        out += `(?:${escapeRe(alt.slice(i + 1, end).replace(/\\(.)/g, '$1'))})?`;
        i = end;
      } else out += escapeRe(c);
    }
    return out;
  });
  if (alts.some((a) => a === '')) throw new CheckExpressionError(`Empty alternative in check expression '${source}'`);
  return compiled.length === 1 ? compiled[0] : `(?:${compiled.join('|')})`;
}

export function compileExpression(source: string): CompiledExpression {
  const params: ParameterType[] = [];
  let pattern = '';
  let word = '';
  const flushWord = () => {
    if (word) pattern += compileWordPart(word, source);
    word = '';
  };
  const text = source.trim().replace(/\.$/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      word += c + text[++i];
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) throw new CheckExpressionError(`Unclosed "{" in check expression '${source}'`);
      const name = text.slice(i + 1, end).trim();
      const type: ParameterType | undefined = name === '' ? 'anonymous' : (['int', 'float', 'string', 'word'] as const).find((t) => t === name);
      if (!type) throw new CheckExpressionError(`Unknown parameter type {${name}} in check expression '${source}'; use {int}, {float}, {string}, {word} or {}`);
      flushWord();
      pattern += PARAM_RE[type];
      params.push(type);
      i = end;
    } else if (/\s/.test(c)) {
      flushWord();
      if (!pattern.endsWith('\\s+')) pattern += '\\s+';
    } else word += c;
  }
  flushWord();
  return { source, regex: new RegExp(`^\\s*${pattern}\\s*$`, 'i'), params };
}

/** Match criterion text; returns the converted arguments, or undefined. */
export function matchExpression(expr: CompiledExpression, text: string): unknown[] | undefined {
  const normalized = text.replace(/\s+/g, ' ').trim().replace(/\s*[.!]+$/, '');
  const m = expr.regex.exec(normalized);
  if (!m) return undefined;
  const args: unknown[] = [];
  let g = 1;
  for (const type of expr.params) {
    const groups = m.slice(g, g + GROUPS[type]);
    g += GROUPS[type];
    const raw = groups.find((x) => x !== undefined) ?? '';
    args.push(type === 'int' ? Number.parseInt(raw, 10) : type === 'float' ? Number.parseFloat(raw) : raw);
  }
  return args;
}

/** Type-level parameters of an expression: `'{int} x {string}'` → `[number, string]`. */
export type ExpressionArgs<E extends string> = E extends `${string}{${infer P}}${infer Rest}`
  ? [P extends 'int' | 'float' ? number : string, ...ExpressionArgs<Rest>]
  : [];
