/** Plain `*.spec.ts` files against a session: withMirra({ mirrors, resetBetweenTests }) + helpers. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { MirraClient } from '../../src/client/index.js';
import { startServer } from '../../src/server/index.js';
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

test('resetBetweenFiles gives every file its own session, deleted after the file', async () => {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'mirra-per-file-')), 'sessions.log');
  writeFileSync(log, '');
  // A control plane of our own (not the embedded one) so the sessions can be inspected afterwards.
  const server = await startServer({ log: () => {} });
  const client = new MirraClient({ baseUrl: server.url, token: server.token });
  Object.assign(process.env, { MIRRA_FIXTURE_LOG: log, MIRRA_API_URL: server.url, MIRRA_TOKEN: server.token });
  try {
    const run = await runFixture('plain-per-file');
    expect(run.tests.map((t) => [t.module.moduleId.endsWith('a.spec.ts') ? 'a' : 'b', t.result().state]).sort()).toEqual([
      ['a', 'passed'],
      ['b', 'passed'],
    ]);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split(' '));
    expect(lines).toHaveLength(2);
    const [[sessionA, keyA], [sessionB, keyB]] = lines as [string[], string[]];
    expect(sessionA).toMatch(/^ses_/);
    expect(sessionB).not.toBe(sessionA);
    expect(keyB).not.toBe(keyA);
    for (const id of [sessionA!, sessionB!]) expect((await client.getSession(id)).status).toBe('ended');
  } finally {
    for (const name of ['MIRRA_FIXTURE_LOG', 'MIRRA_API_URL', 'MIRRA_TOKEN']) delete process.env[name];
    await client.close();
    await server.close();
  }
}, 60_000);
