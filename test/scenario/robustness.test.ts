import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES, parseScenario, ScenarioError, type Scenario } from '../../src/scenario/index.js';
import { corpus, TEST_FIXTURES } from './helpers.js';

type Outcome = { scenario: Scenario } | { error: ScenarioError };

/** Parses and asserts the only possible outcomes: a Scenario or a ScenarioError. */
function outcome(input: string | Uint8Array): Outcome {
  try {
    return { scenario: parseScenario(input, { file: 'x.md', fixtures: TEST_FIXTURES }) };
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return { error: error as ScenarioError };
  }
}

const codeOf = (result: Outcome) => ('error' in result ? result.error.code : undefined);
const welcome = corpus('valid').find((item) => item.name === 'valid/welcome-email.md')!.source;

describe('hostile and unusual input', () => {
  test('empty and whitespace-only files', () => {
    expect(codeOf(outcome(''))).toBe('mirra.scenario.missing_title');
    expect(codeOf(outcome('   \n\n\t\n'))).toBe('mirra.scenario.missing_title');
  });

  test('binary garbage, invalid UTF-8 and non-strings are invalid_input', () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    expect(codeOf(outcome(bytes))).toBe('mirra.scenario.invalid_input');
    expect(codeOf(outcome(Buffer.from(bytes).toString('latin1')))).toBe('mirra.scenario.invalid_input');
    expect(codeOf(outcome(`# T\u0000\n`))).toBe('mirra.scenario.invalid_input');
    expect(codeOf(outcome(Uint8Array.from([0x23, 0x20, 0xff, 0xfe])))).toBe('mirra.scenario.invalid_input');
    for (const value of [undefined, null, 42, {}, ['# T']]) {
      expect(codeOf(outcome(value as unknown as string))).toBe('mirra.scenario.invalid_input');
    }
  });

  test('UTF-8 bytes are accepted like the string', () => {
    const result = outcome(new TextEncoder().encode(welcome));
    expect('scenario' in result && result.scenario.title).toBe('Send Welcome Email on Signup');
  });

  test('a 5 MB scenario is refused at once; the largest accepted size parses in reasonable time', () => {
    const line = 'Setup detail with `code`, **bold** and a [link](https://example.com).\n';
    const fiveMb = `# Big\n\n## Setup\n${line.repeat(75_000)}\n## Success Criteria\n- Exactly 1 email is created\n`;
    expect(fiveMb.length).toBeGreaterThan(5_000_000);
    let started = performance.now();
    expect(outcome(fiveMb)).toMatchObject({ error: { code: 'mirra.scenario.invalid_input' } });
    expect(performance.now() - started).toBeLessThan(200);

    const paragraph = `${'Setup detail with `code`, **bold** and a [link](https://example.com). '.repeat(2)}\n\n`;
    const count = Math.min(Math.floor((MAX_SCENARIO_CHARS - 200) / paragraph.length), Math.floor((MAX_SCENARIO_LINES - 20) / 2));
    const body = paragraph.repeat(count);
    const largest = `# Big\n\n## Setup\n${body}\n## Success Criteria\n- Exactly 1 email is created\n`;
    expect(largest.length).toBeLessThanOrEqual(MAX_SCENARIO_CHARS);
    started = performance.now();
    const result = outcome(largest);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect('scenario' in result && result.scenario.criteria).toHaveLength(1);

    expect(outcome('x\n'.repeat(MAX_SCENARIO_LINES))).toMatchObject({ error: { code: 'mirra.scenario.invalid_input' } });
  });

  test('pathological lines finish quickly', () => {
    const started = performance.now();
    for (const text of [
      `# T\n\n${'['.repeat(100_000)}${']('.repeat(50_000)}\n`,
      `# T\n\n${'*a_'.repeat(60_000)}\n`,
      `# T\n\n${Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n')}\n`,
      `# T\n\n${'- - - - - - - - x\n'.repeat(1000)}`,
      `# ${'#'.repeat(100_000)}x\n`,
      `# T\n\n## ${' #:'.repeat(60_000)}x\n`,
      `# T\n\n## Success Criteria\n- check${' '.repeat(100_000)}x\n`,
      `# T\n\n## Config\n${'a'.repeat(100_000)}: ${' #'.repeat(60_000)}\n`,
      `# T\n\n## Success Criteria\n${'- '.repeat(50_000)}x\n`,
      `# T\n\n${'> '.repeat(10_000)}x\n`,
      `# T\n\n${'a\n===\n'.repeat(2400)}`,
      `# T\n\n## Success Criteria\n- ${'a_'.repeat(100_000)}\n`,
    ]) {
      outcome(text);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('CRLF line endings and a BOM read like LF', () => {
    const crlf = outcome(`\uFEFF${welcome.replace(/\n/g, '\r\n')}`);
    const lf = outcome(welcome);
    expect('scenario' in crlf && crlf.scenario).toEqual('scenario' in lf && lf.scenario);
    const cr = outcome(welcome.replace(/\n/g, '\r'));
    expect('scenario' in cr && cr.scenario).toEqual('scenario' in lf && lf.scenario);
  });

  test('line numbers stay right with CRLF', () => {
    const result = outcome('# A\r\n\r\n# B\r\n');
    expect('error' in result && result.error.issues[1]).toMatchObject({ code: 'mirra.scenario.multiple_titles', line: 3 });
  });

  test('headings with closing hashes, setext headings, HTML comments', () => {
    const result = outcome('<!-- c -->\nTitle #\n===\n\nSuccess Criteria\n---\n<!-- c -->\n- Exactly 1 email was sent <!-- inline -->\n');
    expect('scenario' in result && result.scenario).toMatchObject({ title: 'Title #', criteria: [{ tag: 'check', text: 'Exactly 1 email was sent <!-- inline -->', line: 8 }] });
  });

  test('nested lists and continuation lines stay in their criterion', () => {
    const result = outcome('# T\n\n## Success Criteria\n- check: first\n  continued here\n  1. nested one\n     - deeper\n- judge: second\n');
    expect('scenario' in result && result.scenario.criteria.map((criterion) => criterion.text)).toEqual([
      'first\ncontinued here\n1. nested one\n   - deeper',
      'second',
    ]);
  });

  test('headings inside lists or blockquotes are not sections', () => {
    const result = outcome('# T\n\n> ## Success Criteria\n> - x\n\n- ## Config\n\n## Checks\n- No errors\n');
    expect('scenario' in result && result.scenario.criteria).toHaveLength(1);
  });
});

describe('property: mutated corpus scenarios never crash or hang', () => {
  const sources = corpus().map((item) => item.source);

  type Mutation =
    | { kind: 'delete'; at: number }
    | { kind: 'duplicate'; at: number }
    | { kind: 'swap'; at: number; with: number }
    | { kind: 'insert'; at: number; text: string }
    | { kind: 'heading'; at: number; level: number }
    | { kind: 'truncate'; at: number };

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }).map((bytes) => String.fromCharCode(...bytes)),
        fc.constantFrom('# ', '## ', '- ', '```', '<!--', '-->', '---', '===', 'check:', 'judge:', 'mirrors: ', 'fixture: ', ':', '\r\n', '\t', '\uFEFF', '> ', '1. ', '  - ', '**'),
      ),
    }),
    fc.record({ kind: fc.constant('heading' as const), at: fc.nat(), level: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );

  function apply(source: string, mutations: Mutation[]): string {
    let lines = source.split('\n');
    for (const m of mutations) {
      const at = lines.length === 0 ? 0 : m.at % lines.length;
      switch (m.kind) {
        case 'delete':
          lines.splice(at, 1);
          break;
        case 'duplicate':
          lines.splice(at, 0, lines[at] ?? '');
          break;
        case 'swap': {
          const other = lines.length === 0 ? 0 : m.with % lines.length;
          [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
          break;
        }
        case 'insert': {
          const line = lines[at] ?? '';
          const column = line.length === 0 ? 0 : m.at % (line.length + 1);
          lines[at] = line.slice(0, column) + m.text + line.slice(column);
          break;
        }
        case 'heading':
          lines[at] = `${'#'.repeat(m.level)}${m.level > 0 ? ' ' : ''}${(lines[at] ?? '').replace(/^#+\s*/, '')}`;
          break;
        case 'truncate': {
          const text = lines.join('\n');
          lines = text.slice(0, m.at % (text.length + 1)).split('\n');
          break;
        }
      }
    }
    return lines.join('\n');
  }

  test('every outcome is a Scenario or a ScenarioError, quickly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(mutation, { minLength: 1, maxLength: 8 }), (source, mutations) => {
        const text = apply(source, mutations);
        const started = performance.now();
        const result = outcome(text);
        // Normally about a millisecond; the bound is loose so a loaded CI machine does not flake.
        expect(performance.now() - started).toBeLessThan(2000);
        if ('scenario' in result) {
          expect(result.scenario.title).not.toBe('');
          expect(result.scenario.criteria.length).toBeGreaterThan(0);
        } else {
          expect(result.error.issues.length).toBeGreaterThan(0);
          expect(result.error.code).toBe(result.error.issues[0].code);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
