/**
 * Reads the `key: value` lines of `## Config`, whatever the markdown around them: plain
 * lines (a paragraph), a list (`- runs: 3`), or a fenced / indented code block (```yaml).
 * YAML-style list values are accepted too: `mirrors: [resend, twilio]`, or `mirrors:`
 * followed by `- resend` lines. Interpretation of the values happens in config.ts.
 */
import type { Code, List, Paragraph, RootContent } from 'mdast';
import type { IssueCollector } from './issues.js';
import { endOffset, isHtmlComment, startLine, startOffset } from './markdown.js';
import type { Section } from './sections.js';

export interface ConfigLine {
  /** Key as written, normalised to kebab-case: `judge-model`. */
  key: string;
  /** Value as written (unquoted); a list when given as a YAML list. */
  value: string | string[];
  line: number;
  column: number;
}

interface SourceLine {
  text: string;
  line: number;
  column: number;
  /** Written as a list entry (`- x`) below a key, which makes it a list value. */
  bullet: boolean;
}

const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_-]{0,63})[ \t]*:[ \t]*(.*)$/;
const MAX_CONFIG_LINE = 2000;

/** `judgeModel`, `judge_model`, `Judge-Model` → `judge-model` */
export function kebabKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

export function readConfigLines(section: Section | undefined, source: string, issues: IssueCollector): ConfigLine[] {
  if (section === undefined) return [];
  const lines: SourceLine[] = [];
  for (const node of section.nodes) collect(node, source, lines, issues, 0);

  const entries: ConfigLine[] = [];
  for (const line of lines) {
    const text = stripMarkup(line.text);
    if (text === '' || text.startsWith('#') || text === '---' || text === '...') continue;
    const previous = entries[entries.length - 1];
    const listValue = line.bullet || text.startsWith('- ') ? text.replace(/^-[ \t]*/, '') : undefined;
    if (listValue !== undefined && previous && Array.isArray(previous.value) && !KEY_VALUE.test(listValue)) {
      previous.value.push(unquote(stripComment(listValue)));
      continue;
    }
    const found = text.length <= MAX_CONFIG_LINE ? KEY_VALUE.exec(listValue ?? text) : null;
    if (!found) {
      issues.warn(
        'mirra.scenario.ignored_config_line',
        `Config line ${JSON.stringify(clip(text))} is not 'key: value' and is ignored.`,
        line.line,
      );
      continue;
    }
    const rawValue = stripComment((found[2] ?? '').trim());
    entries.push({
      key: kebabKey(found[1]),
      value: rawValue === '' ? [] : splitInlineList(rawValue),
      line: line.line,
      column: line.column,
    });
  }
  // A key with no value and no list below it is an empty string, not an empty list.
  return entries.map((entry) => (Array.isArray(entry.value) && entry.value.length === 0 ? { ...entry, value: '' } : entry));
}

function collect(node: RootContent, source: string, out: SourceLine[], issues: IssueCollector, depth: number): void {
  switch (node.type) {
    case 'paragraph':
      pushParagraph(node, source, out, depth > 1);
      return;
    case 'list':
      for (const item of (node as List).children) for (const child of item.children) collect(child, source, out, issues, depth + 1);
      return;
    case 'code':
      pushCode(node, source, out);
      return;
    case 'heading':
    case 'thematicBreak':
    case 'definition':
      return;
    case 'html':
      if (isHtmlComment(node)) return;
      break;
    default:
      break;
  }
  issues.warn('mirra.scenario.ignored_config_line', `A ${node.type} in '## Config' is not read as configuration.`, startLine(node));
}

function pushParagraph(node: Paragraph, source: string, out: SourceLine[], bullet: boolean): void {
  const first = startLine(node);
  const column = node.position?.start.column ?? 1;
  source
    .slice(startOffset(node), endOffset(node))
    .split('\n')
    .forEach((text, index) => {
      const indent = text.length - text.trimStart().length;
      out.push({ text, line: first + index, column: index === 0 ? column : indent + 1, bullet });
    });
}

function pushCode(node: Code, source: string, out: SourceLine[]): void {
  const fenced = /^[ \t]*(?:```|~~~)/.test(source.slice(startOffset(node), startOffset(node) + 8));
  const first = startLine(node) + (fenced ? 1 : 0);
  node.value.split('\n').forEach((text, index) => out.push({ text, line: first + index, column: 1, bullet: false }));
}

/** Drops emphasis/code markup wrapping a whole line or a key: `**runs**: 3`, `` `runs: 3` ``. */
function stripMarkup(text: string): string {
  let result = text.trim();
  if (result.length >= 2 && result.startsWith('`') && result.endsWith('`') && !result.slice(1, -1).includes('`')) {
    result = result.slice(1, -1).trim();
  }
  // `**runs**: 3` / `**runs:** 3` / `` `runs`: 3 `` → `runs: 3`
  return result
    .replace(/^(\*\*|__|`)([A-Za-z][A-Za-z0-9_-]{0,63})\1(?=[ \t]*:)/, '$2')
    .replace(/^(\*\*|__)([A-Za-z][A-Za-z0-9_-]{0,63}):\1/, '$2:');
}

/** `60 # seconds` → `60`; a `#` inside quotes or without a space before it is kept. */
function stripComment(value: string): string {
  if (value.startsWith('"') || value.startsWith("'")) return value;
  const at = value.search(/[ \t]#/);
  return (at === -1 ? value : value.slice(0, at)).trim();
}

/** `[resend, twilio]` → a list; anything else stays one unquoted string. */
function splitInlineList(value: string): string | string[] {
  if (value.startsWith('[') && value.endsWith(']')) {
    return value
      .slice(1, -1)
      .split(',')
      .map((part) => unquote(part.trim()))
      .filter((part) => part !== '');
  }
  return unquote(value);
}

/** Removes one pair of matching quotes or backticks around a value. */
export function unquote(value: string): string {
  const trimmed = value.trim();
  const first = trimmed[0];
  if (trimmed.length >= 2 && (first === '"' || first === "'" || first === '`') && trimmed.endsWith(first)) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
