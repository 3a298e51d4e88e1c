/**
 * Refuses input whose markdown would take the parser (micromark) too long. micromark is
 * quadratic in some shapes: each time a nested list item or block quote closes, it rewrites
 * the whole event list, so 8,000 nested list lines take seconds and deep nesting is worse
 * (1,000 levels: half a minute). Real scenarios have tens of list items and a few levels, so
 * the limits below never bite them; they bound the worst case to well under a second.
 *
 * This is a cheap per-line count of container markers, not a markdown parser: it may
 * over-count (a `- ` line inside a code block counts too), which only matters near the limits.
 */
import type { IssueCollector } from './issues.js';

/** List-item and block-quote markers in the whole text. */
export const MAX_CONTAINER_MARKERS = 2000;
/** Estimated nesting depth of one line (markers plus indentation / 2). */
export const MAX_NESTING_DEPTH = 16;

export function checkComplexity(text: string, issues: IssueCollector): boolean {
  let containerMarkers = 0;
  let deepest = 0;
  let deepestLine = 0;
  let lineNumber = 1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const { depth, markers } = containerDepth(text, start, end);
    containerMarkers += markers;
    if (depth > deepest) {
      deepest = depth;
      deepestLine = lineNumber;
    }
    start = end + 1;
    lineNumber++;
  }
  if (deepest > MAX_NESTING_DEPTH) {
    issues.error(
      'mirra.scenario.invalid_input',
      `Lists or quotes are nested too deeply (about ${deepest} levels; the limit is ${MAX_NESTING_DEPTH}).`,
      'Flatten the nesting: a criterion or section needs a few levels at most.',
      { line: deepestLine, column: 1 },
    );
    return false;
  }
  if (containerMarkers > MAX_CONTAINER_MARKERS) {
    issues.error(
      'mirra.scenario.invalid_input',
      `The scenario has too many list items and quote markers (${containerMarkers}; the limit is ${MAX_CONTAINER_MARKERS}).`,
      'Split it into focused scenarios, one behaviour each.',
    );
    return false;
  }
  return true;
}

/** Container markers at the start of the line, and the depth estimate: markers + indentation / 2. */
function containerDepth(text: string, start: number, end: number): { depth: number; markers: number } {
  let i = start;
  let markers = 0;
  let indent = 0;
  while (i < end) {
    const char = text[i];
    if (char === ' ') {
      indent++;
      i++;
    } else if (char === '\t') {
      indent += 4;
      i++;
    } else if (char === '>') {
      markers++;
      i++;
    } else if ((char === '-' || char === '*' || char === '+') && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\t')) {
      markers++;
      i++;
    } else if (char >= '0' && char <= '9') {
      let j = i;
      while (j < end && j - i < 10 && text[j] >= '0' && text[j] <= '9') j++;
      if ((text[j] === '.' || text[j] === ')') && (j + 1 === end || text[j + 1] === ' ' || text[j + 1] === '\t')) {
        markers++;
        i = j + 1;
      } else break;
    } else break;
  }
  return { markers, depth: markers === 0 ? 0 : markers + Math.floor(indent / 2) };
}
