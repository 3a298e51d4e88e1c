/**
 * Criteria: one per top-level list item of `## Success Criteria`. Nested list items and
 * continuation lines belong to their parent item's text. An optional `check:` / `judge:`
 * prefix (any case, also bold: `**check:**`) sets the tag; otherwise it is inferred.
 */
import type { List, ListItem, RootContent } from 'mdast';
import { inferTag } from './infer-tag.js';
import type { IssueCollector } from './issues.js';
import { endOffset, lineStart, startColumn, startLine, startOffset } from './markdown.js';
import type { Section } from './sections.js';
import type { Criterion, CriterionTag } from './types.js';

/** `check:`, `Judge :`, `**check:**`, `**judge**:` at the start of a criterion. */
const TAG_PREFIX = /^(?:\*\*|__)?[ \t]*(check|judge)[ \t]*(?:\*\*|__)?[ \t]*:(?:[ \t]*(?:\*\*|__))?[ \t]*/i;
/** A task-list checkbox, `[ ]` / `[x]`, which carries no meaning here. */
const CHECKBOX = /^\[[ xX]\][ \t]+/;

export interface TagPrefix {
  tag?: CriterionTag;
  text: string;
}

/** Splits an optional tag prefix off a criterion's text. */
export function splitTagPrefix(raw: string): TagPrefix {
  const unboxed = raw.replace(CHECKBOX, '');
  // The prefix is short; matching on a bounded head keeps the regex linear on any input.
  const found = TAG_PREFIX.exec(unboxed.slice(0, 100));
  if (!found) return { text: unboxed.trim() };
  return { tag: found[1].toLowerCase() as CriterionTag, text: unboxed.slice(found[0].length).trim() };
}

/** Builds the criterion for a text, explicit tag or not, with the mismatch warning if any. */
export function makeCriterion(text: string, explicit: CriterionTag | undefined): Criterion {
  const inference = inferTag(text);
  if (explicit === undefined) return { tag: inference.tag, text, inferred: true };
  const criterion: Criterion = { tag: explicit, text, inferred: false };
  if (explicit !== inference.tag && inference.rule !== 'default') {
    criterion.warning =
      explicit === 'judge'
        ? `Tagged judge: but it looks deterministic: ${inference.reason}. A judge calls an LLM on every run; check: is free and exact.`
        : `Tagged check: but it looks subjective: ${inference.reason}. The check grammar will likely not match it, and it will be escalated to the judge.`;
  }
  return criterion;
}

export function readCriteria(section: Section | undefined, source: string, issues: IssueCollector): Criterion[] {
  if (section === undefined) {
    issues.error(
      'mirra.scenario.no_criteria',
      "No '## Success Criteria' section.",
      "Add a '## Success Criteria' section with one list item per criterion, e.g. '- check: Exactly 1 email is created'.",
    );
    return [];
  }
  const criteria: Criterion[] = [];
  const lists = section.nodes.filter((node): node is List => node.type === 'list');
  for (const list of lists) {
    for (const item of list.children) {
      const criterion = readItem(item, source, issues);
      if (criterion) criteria.push(criterion);
    }
  }
  if (criteria.length === 0 && lists.length === 0) {
    const at = { line: startLine(section.heading), column: startColumn(section.heading) };
    const prose = section.nodes.some((node: RootContent) => node.type === 'paragraph');
    issues.error(
      'mirra.scenario.no_criteria',
      "'## Success Criteria' has no criteria.",
      prose
        ? "Write each criterion as a list item ('- check: ...' or '- judge: ...'); paragraphs are ignored."
        : "Add at least one list item, e.g. '- check: Exactly 1 email is created'.",
      at,
    );
  }
  return criteria;
}

function readItem(item: ListItem, source: string, issues: IssueCollector): Criterion | undefined {
  const line = startLine(item);
  const raw = itemSource(item, source);
  const { tag, text } = splitTagPrefix(raw);
  if (text.length === 0) {
    issues.error(
      'mirra.scenario.empty_criterion',
      tag ? `Criterion '${tag}:' has no text.` : 'Empty criterion.',
      'Write what must be true after the run, or delete the empty list item.',
      { line, column: startColumn(item) },
    );
    return undefined;
  }
  const made = makeCriterion(text, tag);
  const criterion: Criterion = { tag: made.tag, text, line, inferred: made.inferred };
  if (made.warning !== undefined) criterion.warning = made.warning;
  return criterion;
}

/** The markdown of a list item's content, continuation lines dedented to the content column. */
function itemSource(item: ListItem, source: string): string {
  const { children } = item;
  if (children.length === 0) return '';
  const start = startOffset(children[0]);
  const indent = start - lineStart(source, start);
  const lines = source.slice(start, endOffset(item)).split('\n');
  return lines.map((text, index) => (index === 0 ? text : dedent(text, indent))).join('\n').trimEnd();
}

function dedent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && cut < line.length && (line[cut] === ' ' || line[cut] === '\t')) cut++;
  return line.slice(cut);
}
