/**
 * The README's demo: the welcome-email example app, its scenario (3 runs) and its plain
 * tests, run through Vitest with the embedded control plane, exactly as `npm run demo`.
 */
import { beforeAll, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { runExample, type ExampleRun } from './run-example.js';

let run: ExampleRun;
let tests: TestCase[] = [];
let matrix = '';

beforeAll(async () => {
  run = await runExample('welcome-email');
  ({ tests, matrix } = run);
}, 120_000);

const byState = (state: string) => run.byState(state);

test('every check passes in all three runs, and the plain tests pass', () => {
  const checks = tests.filter((t) => t.name.startsWith('check: '));
  expect(checks).toHaveLength(15);
  expect(checks.every((t) => t.result().state === 'passed')).toBe(true);
  expect(byState('failed')).toEqual([]);
  expect(byState('passed')).toContain('a signup sends one welcome email and records its delivery');
  expect(byState('passed')).toContain('a hard bounce suppresses the address');
});

test('judge criteria without an evaluator are skipped with a note on how to configure one', () => {
  const judges = tests.filter((t) => t.name.startsWith('judge: '));
  expect(judges).toHaveLength(6);
  for (const judge of judges) {
    const result = judge.result();
    expect(result.state).toBe('skipped');
    expect(result.state === 'skipped' && result.note).toMatch(/ANTHROPIC_API_KEY/);
  }
});

test('mirra-result.json holds the scenario in the spec shape', () => {
  const result = run.results()[0]!;
  expect(result).toMatchObject({
    scenario: 'welcome-email.scenario.md',
    runs: 3,
    satisfactionScore: 1,
    criteria: expect.arrayContaining([
      { label: 'Exactly 1 email is created in the Resend mirror', kind: 'check', passed: 3, total: 3 },
      { label: 'The webhook signature was verified', kind: 'check', passed: 3, total: 3 },
    ]),
  });
  expect(result.runId).toMatch(/^run_/);
  expect(result.sessionId).toMatch(/^ses_/);
});

test('the reporter prints the runs × criteria matrix with the satisfaction score', () => {
  expect(matrix).toContain('Send Welcome Email on Signup');
  expect(matrix).toMatch(/✓ check: The webhook signature was verified\s+✓\s+✓\s+✓\s+3\/3/);
  expect(matrix).toContain('satisfaction score: 100% (15/15 criteria passed across 3 runs)');
});
