/** The transform: literal unrolled calls, escape-free names, a line-level source map. */
import { describe, expect, test } from 'vitest';
import { formatScenarioError, generateScenarioModule, testNameLiteral } from '../../src/vitest/codegen.js';
import { decodeLineMappings, encodeVlq } from '../../src/vitest/sourcemap.js';

const SOURCE = [
  '# Quotes \'and\' "Backslashes" \\ here', // 1
  '',
  '## Prompt',
  'Do it.',
  '',
  '## Success Criteria', // 6
  "- check: The email's `subject` is `Hi \"there\"`", // 7
  '- judge: It reads well', // 8
  '',
  '## Config',
  'mirrors: resend',
  'runs: 2',
  '',
].join('\n');

describe('codegen', () => {
  test('VLQ encoding matches the Source Map v3 examples', () => {
    expect([0, 1, -1, 15, 16, -16, 123].map(encodeVlq)).toEqual(['A', 'C', 'D', 'e', 'gB', 'hB', '2H']);
  });

  test('names are single-quoted literals whose raw text is their value', () => {
    expect(testNameLiteral(`check: it's "ok" \\ done\nnext`)).toBe(`'check: it’s "ok" ∖ done next'`);
    const literal = testNameLiteral("a'b\\c");
    expect(JSON.stringify(eval(literal))).toBe(JSON.stringify(literal.slice(1, -1)));
  });

  test('every describe/test line maps to the title, Success Criteria or criterion line', () => {
    const out = generateScenarioModule({ file: '/p/x.scenario.md', source: SOURCE, root: '/p', runtime: '/rt.js' });
    const lines = out.code.trimEnd().split('\n');
    const mapped = decodeLineMappings(out.map.mappings);
    expect(mapped).toHaveLength(lines.length);
    const at = (prefix: string) => lines.flatMap((l, i) => (l.trimStart().startsWith(prefix) ? [[l.trim().slice(0, 60), mapped[i]]] : []));
    expect(at('describe(')).toEqual([
      [`describe('Quotes ’and’ "Backslashes" ∖ here', () => {`, 1],
      [`describe('run 1', () => {`, 6],
      [`describe('run 2', () => {`, 6],
    ]);
    expect(at('test(').map(([code, line]) => [String(code).slice(0, 40), line])).toEqual([
      ["test('check: The email’s `subject` is `H", 7],
      ["test('judge: It reads well', async (cont", 8],
      ["test('check: The email’s `subject` is `H", 7],
      ["test('judge: It reads well', async (cont", 8],
    ]);
    expect(out.map.sourcesContent).toEqual([SOURCE]);
    expect(out.map.sources).toEqual(['/p/x.scenario.md']);
    expect(out.code).toContain(`import { describe, test, beforeAll, afterAll } from 'vitest';`);
    expect(out.code).toContain('mirra.criterion(context, 2, 1)');
  });

  test('an invalid file becomes one test throwing the formatted ScenarioError', () => {
    const out = generateScenarioModule({ file: '/p/bad.md', source: '## Prompt\nno title\n', root: '/p', runtime: '/rt.js' });
    expect(out.error).toBeDefined();
    expect(out.code.match(/\btest\(/g)).toHaveLength(1);
    expect(out.code).toContain(`test('bad.md: invalid scenario', () => {`);
    expect(formatScenarioError(out.error!, 'bad.md')).toMatch(/^Invalid scenario bad\.md \(\d+ problems?\):\n {2}bad\.md:\d+:\d+: Missing title/);
  });
});
