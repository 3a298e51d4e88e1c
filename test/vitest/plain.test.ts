/** Plain `*.spec.ts` files against a session: withMirra({ mirrors, resetBetweenTests }) + helpers. */
import { expect, test } from 'vitest';
import { errorOf, runFixture, states } from './run-fixture.js';

test('plain tests run against a shared session with resets, env vars and waitForWebhook', async () => {
  const run = await runFixture('plain');
  const failures = run.tests.filter((t) => t.result().state === 'failed').map((t) => `${t.fullName}: ${errorOf(t)}`);
  expect(failures).toEqual([]);
  expect(states(run)).toEqual({
    'the SDK variables point at the session': 'passed',
    'signup sends the welcome email and its webhooks arrive': 'passed',
    'resetBetweenTests put the mirror back to its seed': 'passed',
    'waitForWebhook rejects on timeout and says what arrived': 'passed',
  });
}, 60_000);
