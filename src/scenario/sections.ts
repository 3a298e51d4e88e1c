/**
 * Finds the title and the sections of a scenario in the markdown tree. Only top-level
 * headings count: the first H1 is the title, each H2 opens a section that runs to the next
 * H1 or H2. Headings match case-insensitively, ignoring extra whitespace, emphasis and a
 * trailing colon; unknown H2 sections are ignored, like any other text.
 */
import type { Heading, Root, RootContent } from 'mdast';
import type { IssueCollector } from './issues.js';
import { headingSource, plainText, startColumn, startLine } from './markdown.js';
import { suggest } from './suggest.js';

export type SectionId = 'setup' | 'prompt' | 'expectedBehavior' | 'criteria' | 'config';

/** Accepted heading texts (normalised) per section; the first is the canonical name. */
export const SECTION_NAMES: Record<SectionId, readonly string[]> = {
  setup: ['Setup'],
  prompt: ['Prompt', 'Task'],
  expectedBehavior: ['Expected Behavior', 'Expected Behaviour'],
  criteria: ['Success Criteria', 'Checks'],
  config: ['Config', 'Configuration'],
};

const SECTION_BY_NAME = new Map<string, SectionId>(
  (Object.entries(SECTION_NAMES) as [SectionId, readonly string[]][]).flatMap(([id, names]) =>
    names.map((name) => [name.toLowerCase(), id] as const),
  ),
);
const ALL_SECTION_NAMES = [...SECTION_BY_NAME.keys()];

export interface Section {
  id: SectionId;
  heading: Heading;
  /** The block nodes under the heading, up to the next H1/H2. */
  nodes: RootContent[];
}

export interface Outline {
  title?: { text: string; heading: Heading };
  sections: Partial<Record<SectionId, Section>>;
}

/** `  Success   Criteria: ##` → `success criteria` */
export function normalizeHeading(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ');
  let end = collapsed.length;
  // A loop, not /[\s#:]+$/, which backtracks quadratically on long runs of those characters.
  while (end > 0 && ' #:'.includes(collapsed[end - 1])) end--;
  return collapsed.slice(0, end).trim().toLowerCase();
}

export function sectionIdOf(headingText: string): SectionId | undefined {
  return SECTION_BY_NAME.get(normalizeHeading(headingText));
}

export function readOutline(root: Root, source: string, issues: IssueCollector): Outline {
  const outline: Outline = { sections: {} };
  let current: Section | undefined;

  for (const node of root.children) {
    if (node.type === 'heading' && node.depth <= 2) {
      current = undefined;
      if (node.depth === 1) {
        readTitle(node, source, outline, issues);
        continue;
      }
      const name = plainText(node);
      const id = sectionIdOf(name);
      if (id === undefined) {
        warnUnknownSection(node, name, issues);
        continue;
      }
      const existing = outline.sections[id];
      if (existing) {
        issues.error(
          'mirra.scenario.duplicate_section',
          `Section '${SECTION_NAMES[id][0]}' appears twice (first at line ${startLine(existing.heading)}).`,
          `Merge the two into one '## ${SECTION_NAMES[id][0]}' section.`,
          { line: startLine(node), column: startColumn(node) },
        );
        continue;
      }
      current = { id, heading: node, nodes: [] };
      outline.sections[id] = current;
      continue;
    }
    if (node.type === 'heading') warnMisleveledHeading(node, issues);
    current?.nodes.push(node);
  }
  return outline;
}

function readTitle(heading: Heading, source: string, outline: Outline, issues: IssueCollector): void {
  const at = { line: startLine(heading), column: startColumn(heading) };
  const text = headingSource(source, heading);
  if (outline.title) {
    const asSection = sectionIdOf(plainText(heading));
    const hint = asSection
      ? `Sections are H2 headings: write '## ${SECTION_NAMES[asSection][0]}'.`
      : `A scenario has exactly one H1 (line ${startLine(outline.title.heading)} is the title); use '##' for sections.`;
    issues.error('mirra.scenario.multiple_titles', `More than one title (H1): '# ${text}'.`, hint, at);
    return;
  }
  if (text.length === 0) {
    issues.error('mirra.scenario.missing_title', 'The title (H1) is empty.', "Write the scenario's name after '# '.", at);
  }
  outline.title = { text, heading };
}

function warnUnknownSection(heading: Heading, name: string, issues: IssueCollector): void {
  const normalized = normalizeHeading(name);
  const near = suggest(normalized, ALL_SECTION_NAMES, 3);
  if (near === undefined) return;
  const canonical = SECTION_NAMES[SECTION_BY_NAME.get(near)!][0];
  issues.warn(
    'mirra.scenario.unknown_section',
    `Section '## ${name.trim()}' is not a scenario section and is ignored; did you mean '## ${canonical}'?`,
    startLine(heading),
  );
}

function warnMisleveledHeading(heading: Heading, issues: IssueCollector): void {
  const name = plainText(heading);
  const id = sectionIdOf(name);
  if (id === undefined) return;
  issues.warn(
    'mirra.scenario.section_heading_level',
    `'${'#'.repeat(heading.depth)} ${name.trim()}' is an H${heading.depth}, so it is not read as a section; sections are H2: write '## ${SECTION_NAMES[id][0]}'.`,
    startLine(heading),
  );
}
