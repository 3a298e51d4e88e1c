/**
 * The Stripe example: the refund app, its scenario (3 runs on `stripe:subscription-lifecycle`)
 * and its plain tests, run through Vitest with the embedded control plane, exactly as
 * `npx vitest run --root examples/stripe-refund`.
 */
import { beforeAll, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { runExample, type ExampleRun } from './run-example.js';

let run: ExampleRun;
let tests: TestCase[] = [];
let matrix = '';

beforeAll(async () => {
  run = await runExample('stripe-refund');
  ({ tests, matrix } = run);
}, 120_000);

const byState = (state: string) => run.byState(state);

test('every check passes in all three runs, and the plain tests pass', () => {
  const checks = tests.filter((t) => t.name.startsWith('check: '));
  expect(checks).toHaveLength(9);
  expect(checks.every((t) => t.result().state === 'passed')).toBe(true);
  expect(byState('failed')).toEqual([]);
  expect(byState('passed')).toEqual(
    expect.arrayContaining([
      'a partial refund is created and charge.refunded marks the order partially refunded',
      'an over-refund is refused, as Stripe itself refuses it',
      "an unknown payment is refused with Stripe's error",
      'payments older than 14 days are not refunded',
      'a webhook with a bad signature is refused',
    ]),
  );
});

test('the judge criterion without an evaluator is skipped with a note on how to configure one', () => {
  const judges = tests.filter((t) => t.name.startsWith('judge: '));
  expect(judges).toHaveLength(3);
  for (const judge of judges) {
    const result = judge.result();
    expect(result.state).toBe('skipped');
    expect(result.state === 'skipped' && result.note).toMatch(/ANTHROPIC_API_KEY/);
  }
});

test('mirra-result.json holds the scenario in the spec shape', () => {
  const result = run.results()[0]!;
  expect(result).toMatchObject({
    scenario: 'refund-flow.scenario.md',
    runs: 3,
    satisfactionScore: 1,
    criteria: [
      { label: 'Exactly 1 refund is created on payment_intent `pi_abc`', kind: 'check', passed: 3, total: 3 },
      { label: 'The refund amount is 4500 (in cents)', kind: 'check', passed: 3, total: 3 },
      { label: 'A `charge.refunded` webhook was received and the webhook signature was verified', kind: 'check', passed: 3, total: 3 },
      { label: 'The customer-facing confirmation is clear and polite', kind: 'judge', passed: 0, total: 0 },
    ],
  });
  expect(result.runId).toMatch(/^run_/);
  expect(result.sessionId).toMatch(/^ses_/);
});

test('the reporter prints the runs × criteria matrix with the satisfaction score', () => {
  expect(matrix).toContain('Refund a Partial Charge Within 14 Days');
  expect(matrix).toMatch(/✓ check: Exactly 1 refund is created on payment_intent `pi_abc`\s+✓\s+✓\s+✓\s+3\/3/);
  expect(matrix).toMatch(/✓ check: The refund amount is 4500 \(in cents\)\s+✓\s+✓\s+✓\s+3\/3/);
  expect(matrix).toMatch(/– judge: The customer-facing confirmation is clear and polite\s+–\s+–\s+–\s+—/);
  expect(matrix).toContain('satisfaction score: 100% (9/9 criteria passed across 3 runs)');
});
