/**
 * A deliberately broken app (sends two emails, skips signature verification) fails exactly
 * the checks it should, with messages that say what was expected and what was found; a
 * run past its timeout and a scenario without a driver fail every criterion with the reason.
 */
import { beforeAll, expect, test } from 'vitest';
import { errorOf, runFixture, states, type FixtureRun } from './run-fixture.js';

let run: FixtureRun;
beforeAll(async () => {
  run = await runFixture('broken');
}, 60_000);

const W = 'Send Welcome Email on Signup > run 1 > check: ';

test('exactly the broken behaviours fail', () => {
  expect(states(run)).toEqual({
    [`${W}Exactly 1 email is created in the Resend mirror`]: 'failed',
    [`${W}At least 1 email is sent to \`alice@example.com\``]: 'passed',
    [`${W}At least 1 \`email.delivered\` webhook was received by the handler`]: 'passed',
    [`${W}The webhook signature was verified`]: 'failed',
    'Slow Signup > run 1 > check: Exactly 1 email is created in the Resend mirror': 'failed',
    'Slow Signup > run 1 > check: No errors were logged': 'failed',
    'Scenario Without A Driver > run 1 > check: Exactly 1 email is created in the Resend mirror': 'failed',
  });
});

test('failures say what was expected and what was found, at the criterion line', () => {
  const twice = run.byName.get(`${W}Exactly 1 email is created in the Resend mirror`)!;
  // The transactional-busy seed holds 100 emails: only the run's own are counted.
  expect(errorOf(twice)).toMatch(/^expected exactly 1 email created in the Resend mirror, found 2: [0-9a-f-]{36}, [0-9a-f-]{36}$/);
  expect(twice.location?.line).toBe(11);
  expect(twice.result().errors![0].stack).toContain('welcome.scenario.md:11:');
  const unsigned = run.byName.get(`${W}The webhook signature was verified`)!;
  expect(errorOf(unsigned)).toMatch(
    /^expected the webhook signature to be verified, but 1 of 1 probes were accepted: http:\/\/127\.0\.0\.1:\d+\/webhooks\/resend answered 200 to a delivery signed with the wrong secret$/,
  );
  expect(unsigned.meta().mirra).toMatchObject({ kind: 'check', pass: false, run: 1, line: 14, file: 'welcome.scenario.md' });
});

test('a run past its timeout fails every criterion of the run', () => {
  for (const name of ['Exactly 1 email is created in the Resend mirror', 'No errors were logged']) {
    const t = run.byName.get(`Slow Signup > run 1 > check: ${name}`)!;
    expect(errorOf(t)).toBe('run timed out after 1 s');
    expect(t.meta().mirraRun).toMatchObject({ timedOut: true, runs: 1 });
  }
});

test('a scenario without a driver names every place it looked and shows an example', () => {
  const t = run.byName.get('Scenario Without A Driver > run 1 > check: Exactly 1 email is created in the Resend mirror')!;
  expect(errorOf(t)).toBe(
    [
      'run 1 failed: No driver for orphan.scenario.md: a driver runs your app for each run of the scenario.',
      'Looked for:',
      "  - 'driver:' in the scenario's ## Config (not set)",
      '  - orphan.driver.ts',
      '  - orphan.driver.js',
      '  - orphan.driver.mjs',
      "  - the 'driver' option of withMirra()/mirra() (not set)",
      'Create orphan.driver.ts, for example:',
      '',
      "  import { defineDriver } from 'mirra/vitest';",
      "  import { signUp } from '../src/signup.js';",
      '',
      '  export default defineDriver(async ({ mirrors, signal }) => {',
      "    await signUp('alice@example.com', { apiKey: mirrors.resend.apiKey, baseUrl: mirrors.resend.url, signal });",
      '  });',
    ].join('\n'),
  );
});
