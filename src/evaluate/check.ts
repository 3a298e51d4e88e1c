/**
 * `evaluateCheck(text, capture)`: user patterns (`defineCheck`) first, then the built-in
 * grammar, then compound "X and Y" (both halves must be checks; both must pass). Text no
 * pattern matches is `unmatched`, with a `defineCheck` snippet to paste.
 */
import type { CheckOutcome, RunCapture } from './types.js';
import { prepare, restore } from './text.js';
import { defaultCheckRegistry, type CheckRegistry } from './registry.js';
import { defineCheckSnippet } from './snippet.js';
import type { GrammarPattern } from './grammar/outcome.js';
import { countPattern } from './grammar/counts.js';
import { propertyPattern } from './grammar/properties.js';
import { webhookPattern } from './grammar/webhooks.js';
import { errorsPattern, failedRequestsPattern, signaturePattern } from './grammar/health.js';

/** Order matters: specific shapes before the general count and property shapes. */
export const BUILTIN_PATTERNS: readonly GrammarPattern[] = [signaturePattern, errorsPattern, failedRequestsPattern, webhookPattern, countPattern, propertyPattern];

export interface EvaluateCheckOptions {
  /** Where `defineCheck` patterns live. Default: the global registry `defineCheck` writes to. */
  registry?: CheckRegistry;
}

function matchOne(text: string, capture: RunCapture, registry: CheckRegistry | undefined): CheckOutcome | undefined {
  const user = registry?.evaluate(text, capture);
  if (user) return user;
  const sentence = prepare(text);
  if (sentence.tokens.length === 0) return undefined;
  for (const pattern of BUILTIN_PATTERNS) {
    const out = pattern.match(sentence, capture);
    if (out) return out;
  }
  return undefined;
}

/** Split points of " and " outside quotes/code spans, left to right. */
function andSplits(text: string): Array<[string, string]> {
  const sentence = prepare(text);
  const out: Array<[string, string]> = [];
  const tokens = sentence.tokens;
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i].toLowerCase() !== 'and') continue;
    const left = restore(sentence, tokens.slice(0, i).join(' ')).replace(/,$/, '');
    const right = restore(sentence, tokens.slice(i + 1).join(' '));
    out.push([left, right]);
  }
  return out;
}

function evaluate(text: string, capture: RunCapture, registry: CheckRegistry | undefined, depth: number): CheckOutcome | undefined {
  const whole = matchOne(text, capture, registry);
  if (whole) return whole;
  if (depth > 4) return undefined;
  for (const [left, right] of andSplits(text)) {
    const a = evaluate(left, capture, registry, depth + 1);
    if (!a) continue;
    const b = evaluate(right, capture, registry, depth + 1);
    if (!b) continue;
    const pattern = `compound(${a.status === 'unmatched' ? '?' : a.pattern} + ${b.status === 'unmatched' ? '?' : b.pattern})`;
    if (a.status === 'pass' && b.status === 'pass') return { status: 'pass', pattern, message: `${a.message}; ${b.message}` };
    const failures = [a, b].filter((x) => x.status !== 'pass').map((x) => x.message);
    return { status: 'fail', pattern, message: failures.join('; ') };
  }
  return undefined;
}

export function evaluateCheck(text: string, capture: RunCapture, options: EvaluateCheckOptions = {}): CheckOutcome {
  const registry = options.registry ?? defaultCheckRegistry;
  const out = evaluate(text, capture, registry, 0);
  if (out) return out;
  const snippet = defineCheckSnippet(text);
  return {
    status: 'unmatched',
    message: `no check pattern matches "${text.trim()}"; define one with defineCheck:\n${snippet}`,
    snippet,
  };
}
