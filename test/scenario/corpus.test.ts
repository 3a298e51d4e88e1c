/**
 * Every scenario under corpus/ against the expected result beside it.
 * Regenerate (then review every diff by hand): MIRRA_UPDATE_CORPUS=1 npx vitest run test/scenario/corpus.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/scenario/index.js';
import { corpus, TEST_FIXTURES } from './helpers.js';

const update = process.env.MIRRA_UPDATE_CORPUS === '1';

function outcome(source: string, file: string): unknown {
  try {
    return parseScenario(source, { file, fixtures: TEST_FIXTURES });
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return { errors: error.issues.map(({ code, line }) => (line === undefined ? { code } : { code, line })) };
  }
}

describe('scenario corpus', () => {
  test('has at least 40 scenarios, valid and invalid', () => {
    expect(corpus().length).toBeGreaterThanOrEqual(40);
    expect(corpus('valid').length).toBeGreaterThan(0);
    expect(corpus('invalid').length).toBeGreaterThan(0);
  });

  for (const item of corpus()) {
    test(item.name, () => {
      const actual = JSON.parse(JSON.stringify(outcome(item.source, item.name)));
      if (update) writeFileSync(item.expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      expect(existsSync(item.expectedPath), `${item.expectedPath} is missing; generate it with MIRRA_UPDATE_CORPUS=1 and review it`).toBe(true);
      const expected = JSON.parse(readFileSync(item.expectedPath, 'utf8'));
      if (item.kind === 'valid') expect(actual).not.toHaveProperty('errors');
      else expect(actual).toHaveProperty('errors');
      expect(actual).toEqual(expected);
    });
  }
});
