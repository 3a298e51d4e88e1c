/**
 * The plain-test session of the current worker, shared between the setup file and the
 * helpers (`useMirraSession`, `resetMirraMirrors`, `waitForWebhook`). It lives on
 * globalThis because the helpers may be loaded natively (from node_modules) while the setup
 * file runs through Vite's module runner: two module instances, one worker.
 */
import { MirraClient } from '../client/index.js';
import type { SessionMirror } from '../client/index.js';
import type { MirraServerRef } from './options.js';

export interface WorkerSession {
  server: MirraServerRef;
  sessionId: string;
  name: string;
  mirrors: SessionMirror[];
  /** True when this file created the session (resetBetweenFiles) and deletes it afterwards. */
  owned: boolean;
}

const KEY = Symbol.for('mirra.vitest.session');
const CLIENTS = Symbol.for('mirra.vitest.clients');

type Slots = { [KEY]?: WorkerSession | undefined; [CLIENTS]?: Map<string, MirraClient> };

export function currentSession(): WorkerSession | undefined {
  return (globalThis as Slots)[KEY];
}

export function setCurrentSession(session: WorkerSession | undefined): void {
  (globalThis as Slots)[KEY] = session;
}

/** One client per control plane per worker. */
export function clientFor(server: { url: string; token: string }): MirraClient {
  const g = globalThis as Slots;
  const clients = (g[CLIENTS] ??= new Map());
  const key = `${server.url} ${server.token}`;
  let client = clients.get(key);
  if (!client) {
    client = new MirraClient({ baseUrl: server.url, token: server.token });
    clients.set(key, client);
  }
  return client;
}
