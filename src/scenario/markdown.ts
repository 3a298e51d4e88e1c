/**
 * The markdown tree (mdast, with positions) and helpers to read the original source back
 * out of it. Section bodies and criteria keep their markdown as written, so they are
 * sliced from the source by node offsets instead of being re-stringified.
 */
import type { Heading, Nodes, Root, RootContent } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/**
 * Only block structure is parsed: everything is read back from the source by offsets, so
 * inline constructs (emphasis, links, code spans, inline HTML, references) are never needed,
 * and they are where micromark is quadratic on hostile input (`[[[[…`, `*a_*a_…`: a
 * minute for 400 KB). Link reference definitions are block-level but equally slow and
 * equally unneeded. With them off, such text stays plain text inside its paragraph.
 */
const INLINE_AND_DEFINITIONS_OFF = {
  disable: {
    null: [
      'attention',
      'autolink',
      'characterEscape',
      'characterReference',
      'codeText',
      'definition',
      'hardBreakEscape',
      'htmlText',
      'labelEnd',
      'labelStartImage',
      'labelStartLink',
    ],
  },
};

const processor = unified().use(remarkParse);
processor.data('micromarkExtensions', [INLINE_AND_DEFINITIONS_OFF]);

export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

export function startOffset(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

export function endOffset(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

export function startLine(node: Nodes): number {
  return node.position?.start.line ?? 1;
}

export function startColumn(node: Nodes): number {
  return node.position?.start.column ?? 1;
}

/**
 * The text of a node without emphasis or code markup, e.g. a heading's name:
 * `**Success Criteria**` → `Success Criteria`. (Inline constructs are not parsed, so the
 * markup characters are dropped here.)
 */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value.replace(/[*_`]/g, '');
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** The source text of a heading's content: `# The \`from\` address #` → The `from` address. */
export function headingSource(source: string, heading: Heading): string {
  const { children } = heading;
  if (children.length === 0) return '';
  const text = source.slice(startOffset(children[0]), endOffset(children[children.length - 1]));
  return text.replace(/\s+/g, ' ').trim();
}

/** Offset of the start of the line that holds `offset`. */
export function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

export function isHtmlComment(node: RootContent): boolean {
  if (node.type !== 'html') return false;
  const value = node.value.trim();
  return value.startsWith('<!--') && value.endsWith('-->');
}

/**
 * The source of a run of block nodes, from the start of the first node's line to the end
 * of the last node; top-level HTML comments are left out (they are notes to the author).
 */
export function blockSource(source: string, nodes: readonly RootContent[]): string | undefined {
  const kept = nodes.filter((node) => !isHtmlComment(node));
  if (kept.length === 0) return undefined;
  let text = '';
  let cursor = lineStart(source, startOffset(kept[0]));
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (startOffset(node) < cursor) continue;
    if (isHtmlComment(node)) {
      // Drop the comment and the blank lines after it; keep what came before it.
      text += source.slice(cursor, lineStart(source, startOffset(node)));
      const next = nodes[i + 1];
      cursor = next ? lineStart(source, startOffset(next)) : endOffset(node);
      continue;
    }
    text += source.slice(cursor, endOffset(node));
    cursor = endOffset(node);
  }
  const trimmed = text.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  return trimmed.length > 0 ? trimmed : undefined;
}
