/**
 * Worker setup file registered by the plugin: gives plain test files a session. Runs before
 * each test file is imported, so the SDK variables are set before the app reads them.
 * Scenario `.md` files manage their own sessions and are left alone.
 */
import { afterAll, beforeEach, expect, inject } from 'vitest';
import { applyEnv, sessionEnv } from '../runtime/env.js';
import { resetMirraMirrors } from './helpers.js';
import { clientFor, setCurrentSession, type WorkerSession } from './session-state.js';

const config = inject('mirraConfig');
const server = inject('mirraServer');
const testPath = expect.getState().testPath ?? '';
const isScenarioFile = testPath.toLowerCase().endsWith('.md');

if (config && server && config.mirrors.length > 0 && !isScenarioFile) {
  let session: WorkerSession;
  const shared = inject('mirraSharedSession');
  if (shared && !config.resetBetweenFiles) {
    session = { server, sessionId: shared.sessionId, name: shared.name, mirrors: shared.mirrors, owned: false };
  } else {
    const client = clientFor(server);
    const created = await client.createSession({
      mirrors: config.mirrors,
      ...(Object.keys(config.seeds).length ? { seeds: config.seeds } : {}),
    });
    session = { server, sessionId: created.sessionId, name: created.name, mirrors: created.mirrors, owned: true };
    afterAll(async () => {
      await client.deleteSession(created.sessionId).catch(() => undefined);
    });
  }
  setCurrentSession(session);
  const restoreEnv = config.proxyMode === 'env' ? applyEnv(sessionEnv(session)) : undefined;
  if (config.resetBetweenTests) beforeEach(() => resetMirraMirrors());
  afterAll(() => {
    restoreEnv?.();
    setCurrentSession(undefined);
  });
} else {
  setCurrentSession(undefined);
}
