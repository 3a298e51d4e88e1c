import { describe, expect, test } from 'vitest';
import { parseScenario, SCENARIO_ERROR_CODES, ScenarioError } from '../../src/scenario/index.js';
import { TEST_FIXTURES } from './helpers.js';

function errorOf(markdown: string, file?: string): ScenarioError {
  try {
    parseScenario(markdown, { file, fixtures: TEST_FIXTURES });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

const criteria = '## Success Criteria\n- Exactly 1 email is created\n';

describe('the five documented validation errors (spec §1.3)', () => {
  test('1. missing title', () => {
    const error = errorOf(`## Prompt\nGo.\n\n${criteria}`, 'scenarios/a.md');
    expect(error.code).toBe('mirra.scenario.missing_title');
    expect(error.message).toMatch(/^scenarios\/a\.md: Missing title/);
    expect(error.line).toBeUndefined();
  });

  test('1b. more than one H1', () => {
    const error = errorOf(`# One\n\n# Two\n\n${criteria}`, 'a.md');
    expect(error).toMatchObject({ code: 'mirra.scenario.multiple_titles', line: 3, column: 1 });
  });

  test('2. no criteria', () => {
    expect(errorOf('# T\n\n## Success Criteria\n\nNothing here yet.\n').code).toBe('mirra.scenario.no_criteria');
    expect(errorOf('# T\n').code).toBe('mirra.scenario.no_criteria');
  });

  test('3. unknown mirror', () => {
    const error = errorOf(`# T\n\n${criteria}\n## Config\nmirrors: github\n`, 'scenarios/gh.md');
    expect(error.code).toBe('mirra.scenario.unknown_mirror');
    expect(error.message).toBe("scenarios/gh.md:7: Unknown mirror 'github' in mirrors: it is not in the catalog (resend, stripe, twilio).");
  });

  test('4. unknown fixture, with file:line in the message and a did-you-mean hint', () => {
    const markdown = `# Welcome\n\n## Prompt\nSend it.\n\n${criteria}\n## Config\nmirrors: resend\ntimeout: 60\nruns: 3\nagent: custom\nfixture: resend:transactional-bust\n`;
    const error = errorOf(markdown, 'scenarios/welcome.md');
    expect(error).toMatchObject({ code: 'mirra.scenario.unknown_fixture', file: 'scenarios/welcome.md', line: 14, column: 1 });
    expect(error.message).toBe("scenarios/welcome.md:14: Unknown fixture 'resend:transactional-bust'.");
    expect(error.hint).toMatch(/^Did you mean 'resend:transactional-busy'\? Fixtures for resend: bounced-domain, empty, /);
  });

  test('5. bare fixture without mirrors is ambiguous', () => {
    const error = errorOf(`# T\n\n${criteria}\n## Config\nfixture: transactional-busy\n`);
    expect(error.code).toBe('mirra.scenario.ambiguous_fixture');
    expect(error.hint).toBe("Qualify it as 'fixture: resend:transactional-busy', or add 'mirrors: resend'.");
  });
});

describe('ScenarioError', () => {
  test('reports every problem; the error is the first in source order and its message lists the rest', () => {
    const markdown = `# A\n\n${criteria}\n# B\n\n## Config\nmirrors: resend, github\nfixture: resend:transactional-bust\nruns: 0\n`;
    const error = errorOf(markdown, 'bad.md');
    expect(error.issues.map(({ code, line }) => [code, line])).toEqual([
      ['mirra.scenario.multiple_titles', 6],
      ['mirra.scenario.unknown_mirror', 9],
      ['mirra.scenario.unknown_fixture', 10],
      ['mirra.scenario.invalid_config', 11],
    ]);
    expect(error).toMatchObject({ name: 'ScenarioError', code: 'mirra.scenario.multiple_titles', file: 'bad.md', line: 6, column: 1 });
    expect(error.hint).toBe(error.issues[0].hint);
    expect(error.message.split('\n')).toEqual([error.issues[0].message, ...error.issues.slice(1).map((issue) => `  also ${issue.message}`)]);
    for (const issue of error.issues) {
      expect(issue.message.startsWith(`bad.md:${issue.line}: `)).toBe(true);
      expect(issue.hint).toBeTruthy();
      expect(SCENARIO_ERROR_CODES).toContain(issue.code);
    }
  });

  test('without a file, the message starts with the line', () => {
    expect(errorOf(`# A\n# B\n${criteria}`).message).toMatch(/^line 2: More than one title/);
  });

  test('is an Error with a stack and serialises to JSON', () => {
    const error = errorOf('', 'e.md');
    expect(error).toBeInstanceOf(Error);
    expect(error.stack).toBeTruthy();
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({ code: 'mirra.scenario.missing_title', file: 'e.md' });
    expect(json.issues).toHaveLength(2);
  });

  test('section written as an H1 gets a hint to make it an H2', () => {
    expect(errorOf(`# T\n\n# Setup\nx\n\n${criteria}`).hint).toBe("Sections are H2 headings: write '## Setup'.");
  });

  test('missing prompt is an error only for agent runs', () => {
    expect(errorOf(`# T\n\n${criteria}\n## Config\nagent: claude-code\n`).code).toBe('mirra.scenario.missing_prompt');
    expect(() => parseScenario(`# T\n\n${criteria}\n## Config\nagent: custom\n`)).not.toThrow();
  });
});
