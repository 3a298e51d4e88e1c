/**
 * Which control plane a command talks to, and the state file that lets `mirra down`,
 * `reset`, `snapshot`, `restore` and `run --session` reach the session `mirra up` started:
 *
 * 1. `MIRRA_API_URL` + `MIRRA_TOKEN` (both) → that (remote) control plane;
 * 2. else `<data dir>/cli-state.json`, written by `mirra up` → the control plane it runs;
 * 3. else `mirra up` / `mirra run` start an embedded one in-process; the other commands fail.
 *
 * The data dir is `./.mirra`, or `MIRRA_DATA_DIR`.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MirraClient } from '../client/index.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export const STATE_FILE = 'cli-state.json';

/** What `mirra up` remembers about the most recent session. */
export interface CliState {
  apiUrl: string;
  /** Only for the embedded control plane (a remote token stays in MIRRA_TOKEN). */
  token?: string;
  sessionId: string;
  name: string;
  persistent: boolean;
  /** True when `mirra up` runs the control plane in its own process (`pid`). */
  embedded: boolean;
  pid: number;
  createdAt: string;
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MIRRA_DATA_DIR || '.mirra');
}

export function statePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), STATE_FILE);
}

export function readState(env: NodeJS.ProcessEnv = process.env): CliState | undefined {
  try {
    const state = JSON.parse(readFileSync(statePath(env), 'utf8')) as CliState;
    return typeof state.apiUrl === 'string' && typeof state.sessionId === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically, readable by the owner only (it can hold the embedded server's token). */
export function writeState(state: CliState, env: NodeJS.ProcessEnv = process.env): void {
  const file = statePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Removes the state file if it still describes `sessionId` (another `up` may have replaced it). */
export function clearState(sessionId: string, env: NodeJS.ProcessEnv = process.env): void {
  const state = readState(env);
  if (state && state.sessionId === sessionId) rmSync(statePath(env), { force: true });
}

export interface RemoteRef {
  url: string;
  token: string;
}

/** `MIRRA_API_URL` + `MIRRA_TOKEN`; one without the other is an error. */
export function remoteFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteRef | undefined {
  const url = env.MIRRA_API_URL?.trim();
  const token = env.MIRRA_TOKEN?.trim();
  if (!url && !token) return undefined;
  if (!url || !token) {
    throw new CliError(
      `${url ? 'MIRRA_TOKEN' : 'MIRRA_API_URL'} is not set: a remote control plane needs both MIRRA_API_URL and MIRRA_TOKEN.`,
      EXIT.provisioningFailed,
      'Set both, or unset both to use the embedded control plane.',
    );
  }
  return { url: url.replace(/\/+$/, ''), token };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Connection {
  client: MirraClient;
  url: string;
  /** Where the connection came from. */
  source: 'env' | 'state';
  /** The remembered session when it lives on this control plane. */
  state?: CliState;
}

/** A client for commands that act on an existing session (down, reset, snapshot, restore). */
export function connect(env: NodeJS.ProcessEnv = process.env): Connection {
  const remote = remoteFromEnv(env);
  const state = readState(env);
  if (remote) {
    const client = new MirraClient({ baseUrl: remote.url, token: remote.token, retry: { retries: 1 } });
    return { client, url: remote.url, source: 'env', ...(state && sameOrigin(state.apiUrl, remote.url) ? { state } : {}) };
  }
  if (!state || !state.token) {
    throw new CliError(
      'no control plane: nothing was started with `mirra up` here and MIRRA_API_URL is not set.',
      EXIT.provisioningFailed,
      `Run \`mirra up\` in this directory (state file ${statePath(env)}), or set MIRRA_API_URL and MIRRA_TOKEN.`,
    );
  }
  if (state.embedded && !isAlive(state.pid)) {
    throw new CliError(
      `the \`mirra up\` that ran session ${state.sessionId} (pid ${state.pid}) is no longer running.`,
      EXIT.provisioningFailed,
      `Start a new one with \`mirra up\`${state.persistent ? ` --persistent --name=${state.name}` : ''}.`,
    );
  }
  return { client: new MirraClient({ baseUrl: state.apiUrl, token: state.token, retry: { retries: 1 } }), url: state.apiUrl, source: 'state', state };
}

export function sameOrigin(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** `--session`, else the remembered session; neither is a usage error. */
export function sessionArg(flag: string | undefined, connection: Connection, help: string): string {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError('--session must not be empty.', help);
    return flag;
  }
  if (connection.state) return connection.state.sessionId;
  throw new UsageError('no session: pass --session=<id-or-name> (no session remembered from `mirra up` on this control plane).', help);
}
