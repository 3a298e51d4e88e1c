/**
 * The SMS login example: the app on the official `twilio` SDK, its scenario (3 runs) and its
 * plain tests, run through Vitest with the embedded control plane, as
 * `npx vitest run --root examples/sms-otp`.
 */
import { beforeAll, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { runExample, type ExampleRun } from './run-example.js';

let run: ExampleRun;
let tests: TestCase[] = [];
let matrix = '';

beforeAll(async () => {
  run = await runExample('sms-otp');
  ({ tests, matrix } = run);
}, 120_000);

const byState = (state: string) => run.byState(state);

const CHECKS = [
  'Exactly 1 verification is created in the Twilio mirror',
  'The verification status is `approved`',
  'Exactly 2 SMS are sent to `+15555550100`',
  'Exactly 1 SMS is sent from `+15555550123`',
  'The message from `+15555550123` was delivered',
  'At least 1 `message.status` webhook was received by the handler',
  'The webhook signature was verified',
  'No signature failures',
  'No errors were logged',
];

test('every check passes in all three runs, and the plain tests pass', () => {
  const checks = tests.filter((t) => t.name.startsWith('check: '));
  expect(checks).toHaveLength(CHECKS.length * 3);
  for (const run of ['run 1', 'run 2', 'run 3']) {
    const names = checks.filter((t) => t.parent.type === 'suite' && t.parent.name === run).map((t) => t.name);
    expect(names).toEqual(CHECKS.map((c) => `check: ${c}`.replaceAll("'", '’')));
  }
  expect(checks.filter((t) => t.result().state !== 'passed').map((t) => `${t.fullName}: ${JSON.stringify(t.result().errors?.map((e) => e.message))}`)).toEqual([]);
  expect(byState('failed')).toEqual([]);
  expect(byState('passed')).toEqual(
    expect.arrayContaining([
      'the right code signs the user in, and the "You signed in" SMS is delivered',
      'a wrong code is refused with the attempts left, and the right one still works',
      'after 5 wrong codes the verification is locked, even for the right code (60202)',
      'a status callback with a forged X-Twilio-Signature is refused',
    ]),
  );
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
    scenario: 'sms-otp.scenario.md',
    runs: 3,
    satisfactionScore: 1,
    criteria: [
      ...CHECKS.map((label) => ({ label, kind: 'check', passed: 3, total: 3 })),
      { label: 'The sign-in notification is short, clear and tells the user what to do if it was not them', kind: 'judge', passed: 0, total: 0 },
      { label: 'The answers to a wrong or reused code are clear and never reveal the code', kind: 'judge', passed: 0, total: 0 },
    ],
  });
  expect(result.runId).toMatch(/^run_/);
  expect(result.sessionId).toMatch(/^ses_/);
});

test('the reporter prints the runs × criteria matrix with the satisfaction score', () => {
  expect(matrix).toContain('Sign In with an SMS Code (sms-otp.scenario.md');
  expect(matrix).toMatch(/✓ check: Exactly 2 SMS are sent to `\+15555550100`\s+✓\s+✓\s+✓\s+3\/3/);
  expect(matrix).toMatch(/✓ check: The message from `\+15555550123` was delivered\s+✓\s+✓\s+✓\s+3\/3/);
  expect(matrix).toMatch(/– judge: The sign-in notification is short.*\s+–\s+–\s+–\s+—/);
  expect(matrix).toContain('satisfaction score: 100% (27/27 criteria passed across 3 runs)');
});
