import type { CheckOutcome, RunCapture } from '../types.js';
import type { Sentence } from '../text.js';

/** One built-in pattern: returns undefined when the sentence is not its shape. */
export interface GrammarPattern {
  name: string;
  match(sentence: Sentence, capture: RunCapture): CheckOutcome | undefined;
}

export function pass(pattern: string, message: string): CheckOutcome {
  return { status: 'pass', message, pattern };
}

export function fail(pattern: string, message: string, expected?: unknown, found?: unknown): CheckOutcome {
  const out: CheckOutcome = { status: 'fail', message, pattern };
  if (expected !== undefined) out.expected = expected;
  if (found !== undefined) out.found = found;
  return out;
}

export function verdict(ok: boolean, pattern: string, passMessage: string, failMessage: string, expected?: unknown, found?: unknown): CheckOutcome {
  return ok ? pass(pattern, passMessage) : fail(pattern, failMessage, expected, found);
}
