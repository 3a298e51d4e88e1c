/**
 * Turns what the caller handed us into clean text, or refuses it: not a string, too large,
 * binary. Line breaks are normalised to `\n` (one for one, so line numbers are unchanged)
 * and a leading byte-order mark is dropped.
 */
import { IssueCollector } from './issues.js';

/**
 * Largest accepted scenario, in characters. Real scenarios are a few KB; the markdown
 * parser is superlinear on some shapes (one 1 MB paragraph takes seconds), so the limit
 * keeps the worst case short.
 */
export const MAX_SCENARIO_CHARS = 256 * 1024;
/** Largest accepted scenario, in lines (micromark is quadratic in some line shapes). */
export const MAX_SCENARIO_LINES = 5000;

/** How much of the text is sampled to decide whether it is binary. */
const BINARY_SAMPLE_CHARS = 8192;

export type ScenarioInput = string | Uint8Array;

export function readInput(input: unknown, issues: IssueCollector): string | undefined {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.length > MAX_SCENARIO_CHARS * 4) return tooLarge(input.length, issues);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      issues.error('mirra.scenario.invalid_input', 'The scenario is not valid UTF-8 text.', 'Save the file as UTF-8 markdown.');
      return undefined;
    }
  } else {
    const kind = input === null ? 'null' : typeof input;
    issues.error('mirra.scenario.invalid_input', `A scenario must be markdown text, got ${kind}.`, 'Pass the file contents as a string.');
    return undefined;
  }

  if (text.length > MAX_SCENARIO_CHARS) return tooLarge(text.length, issues);
  if (looksBinary(text)) {
    issues.error(
      'mirra.scenario.invalid_input',
      'The scenario looks like binary data, not markdown text.',
      'Check the path: a scenario is a UTF-8 markdown file.',
    );
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const normalized = text.replace(/\r\n?/g, '\n');
  let lines = 1;
  for (let at = normalized.indexOf('\n'); at !== -1; at = normalized.indexOf('\n', at + 1)) lines++;
  if (lines > MAX_SCENARIO_LINES) {
    issues.error(
      'mirra.scenario.invalid_input',
      `The scenario is too long (${lines} lines; the limit is ${MAX_SCENARIO_LINES}).`,
      'Split it into focused scenarios, one behaviour each.',
    );
    return undefined;
  }
  return normalized;
}

function tooLarge(size: number, issues: IssueCollector): undefined {
  issues.error(
    'mirra.scenario.invalid_input',
    `The scenario is too large (${size} characters; the limit is ${MAX_SCENARIO_CHARS}).`,
    'Split it into focused scenarios, one behaviour each.',
  );
  return undefined;
}

/** NUL anywhere, or many control / replacement characters near the start. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, BINARY_SAMPLE_CHARS);
  let suspicious = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c;
    if (control || code === 0xfffd) suspicious++;
  }
  return sample.length > 0 && suspicious / sample.length > 0.1;
}
