import { relative } from 'node:path';
import { MirraApiError, MirraClient, type SeedInput, type Session } from '../client/index.js';
import { CliError } from './cli-error.js';
import { fromClientError } from './client-error.js';
import { clearState, dataDir, isAlive, readState, remoteFromEnv, writeState } from './control-plane.js';
import { detectMirrors } from './detect.js';
import { formatDuration, parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './parse-flags.js';
import { checkSeedMirrors, noMirrorsError, parseSeedFlags, readSeedFile } from './seeds.js';
import { exportLines, exportVariables, mirrorLines, sessionJson } from './session-output.js';
import { UsageError } from './usage-error.js';
import { waitForSignal, type Io, defaultIo } from './io.js';

export const upHelp = `Usage: mirra up [--mirrors=resend,stripe] [--seed=<mirror>:<fixture>]... [--seed-file=path]
                [--persistent --name=<n>] [--timeout=60m] [--json] [--quiet]

Provision a session of mirrors for the current project and print each mirror's URL, API
key and webhook secret, and the \`export\` lines for the SDKs' environment variables.

Without MIRRA_API_URL, the control plane runs inside this command (data dir ./.mirra, or
MIRRA_DATA_DIR) until Ctrl-C, SIGTERM, \`mirra down\` or the session's timeout. With
MIRRA_API_URL + MIRRA_TOKEN, the session is created there and the command returns.
The session is remembered for \`mirra down\`, \`reset\`, \`snapshot\` and \`restore\`.

Options:
  --mirrors=<list>       mirrors to provision (default: detected from package.json and
                         the imports under src/)
  --seed=<m>:<fixture>   built-in fixture for one mirror; repeat for several
  --seed-file=<path>     a seed document (docs/seed-format.md); wins over --seed
  --persistent           keep the session across restarts until \`mirra down\` (needs --name);
                         an existing persistent session with that name is reattached
  --name=<name>          session name, usable as --session=<name>
  --timeout=<duration>   ephemeral lifetime: 90s, 60m, 2h (default 60m)
  --json                 one JSON line with the session, its mirrors and the variables
  --quiet                print only the export lines
  -h, --help             show this help`;

export async function upCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      mirrors: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'seed-file': { type: 'string' },
      persistent: { type: 'boolean' },
      name: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    upHelp,
  );
  if (values.help) {
    io.out(upHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, upHelp);
  const explicit = values.mirrors === undefined ? undefined : splitList(values.mirrors, '--mirrors', upHelp);
  if (values.persistent && !values.name) throw new UsageError('--persistent needs --name=<name> (a persistent session is found again by its name).', upHelp);
  if (values.name !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(values.name)) throw new UsageError(`--name must be 1-64 of A-Z a-z 0-9 . _ -, got '${values.name}'.`, upHelp);
  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = parseDuration(values.timeout);
    if (timeoutSeconds === undefined) throw new UsageError(`--timeout must be a duration such as 90s, 60m or 2h, got '${values.timeout}'.`, upHelp);
  }
  const flagSeeds = parseSeedFlags(values.seed, upHelp);
  const human = !values.json && !values.quiet;
  const say = (line: string) => (human ? io.out(line) : undefined);

  // Mirrors: the flag, else what the project uses.
  let mirrors: string[];
  let detected = false;
  if (explicit) {
    mirrors = explicit;
  } else {
    const detection = await detectMirrors(process.cwd());
    if (detection.mirrors.length === 0 && Object.keys(flagSeeds).length === 0) throw noMirrorsError();
    mirrors = detection.mirrors.length ? detection.mirrors : Object.keys(flagSeeds);
    detected = true;
    say(`→ detected: ${detection.mirrors.map((m) => `${m} (${detection.signals[m]!.join(', ')})`).join(', ') || 'nothing; using the mirrors of --seed'}`);
  }

  const remote = remoteFromEnv();
  let apiUrl: string;
  let token: string;
  let server: { url: string; token: string; close(): Promise<void> } | undefined;
  if (remote) {
    apiUrl = remote.url;
    token = remote.token;
  } else {
    const previous = readState();
    if (previous?.embedded && previous.pid !== process.pid && isAlive(previous.pid)) {
      throw new CliError(
        `mirra up is already running for this directory (pid ${previous.pid}, session ${previous.sessionId} at ${previous.apiUrl}).`,
        EXIT.provisioningFailed,
        'End it with `mirra down` (or Ctrl-C in its shell), or use its control plane: MIRRA_API_URL/MIRRA_TOKEN.',
      );
    }
    const { startServer } = await import('../server/index.js');
    try {
      server = await startServer({ port: 0, dataDir: dataDir(), log: (m) => io.err(m) });
    } catch (error) {
      throw new CliError(`the embedded control plane could not start: ${error instanceof Error ? error.message : String(error)}`, EXIT.provisioningFailed, 'Run `mirra doctor`.');
    }
    apiUrl = server.url;
    token = server.token;
  }
  const client = new MirraClient({ baseUrl: apiUrl, token, retry: { retries: 1 } });

  try {
    // Detected mirrors the control plane does not serve yet are skipped with a note.
    if (detected) {
      const served = new Set((await client.catalog()).data.map((m) => m.name));
      const missing = mirrors.filter((m) => !served.has(m));
      for (const m of missing) io.err(`note: ${m} is used by this project but this control plane has no ${m} mirror; skipped.`);
      mirrors = mirrors.filter((m) => served.has(m));
      if (mirrors.length === 0) throw noMirrorsError();
    }
    let seeds: Record<string, SeedInput> = flagSeeds;
    if (values['seed-file'] !== undefined) {
      if (Object.keys(flagSeeds).length) io.err('note: --seed-file wins over --seed; the --seed flags are ignored.');
      seeds = await readSeedFile(values['seed-file'], mirrors, upHelp);
    }
    checkSeedMirrors(seeds, mirrors, upHelp);
    if (values.persistent && timeoutSeconds !== undefined) io.err('note: --timeout is ignored for a persistent session (it never expires).');

    const started = performance.now();
    let session: Session | undefined;
    if (values.persistent) session = await reattach(client, values.name!, mirrors);
    const reattached = session !== undefined;
    if (!session) {
      say(`→ provisioning ${mirrors.join(', ')} mirror${mirrors.length === 1 ? '' : 's'}…`);
      try {
        session = await client.createSession({
          mirrors,
          ...(Object.keys(seeds).length ? { seeds } : {}),
          ...(values.persistent ? { persistent: true } : timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
          ...(values.name ? { name: values.name } : {}),
        });
      } catch (error) {
        throw provisioningError(error, apiUrl);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    writeState({
      apiUrl,
      ...(server ? { token } : {}),
      sessionId: session.sessionId,
      name: session.name,
      persistent: session.persistent,
      embedded: server !== undefined,
      pid: process.pid,
      createdAt: session.createdAt,
    });

    const vars = exportVariables(session, apiUrl, server ? token : undefined);
    if (values.json) {
      io.out(JSON.stringify(sessionJson(session, { apiUrl, embedded: server !== undefined, reattached, env: vars })));
    } else if (values.quiet) {
      for (const line of exportLines(vars)) io.out(line);
    } else {
      for (const line of mirrorLines(session)) io.out(line);
      const lifetime = session.persistent ? 'persistent' : `ephemeral, expires in ${formatDuration(session.timeoutSeconds)}`;
      io.out(`✓ session ${session.sessionId}${session.name !== session.sessionId ? ` (${session.name})` : ''} ${reattached ? 'reattached' : 'ready'} in ${seconds}s · ${lifetime}`);
      io.out(`control plane: ${apiUrl}${server ? ` (embedded · data dir ${relative(process.cwd(), dataDir()) || '.'})` : ''}`);
      io.out('');
      for (const line of exportLines(vars)) io.out(line);
      io.out('');
      if (server) {
        io.out(session.persistent
          ? 'Press Ctrl-C to stop (the persistent session stays in the data dir and is reattached by the next `mirra up --persistent --name=…`); `mirra down` ends it.'
          : 'Press Ctrl-C to end the session, or run `mirra down` in another shell.');
      } else {
        io.out(`The session lives on ${apiUrl} until \`mirra down\`${session.persistent ? '' : ` or its timeout`}.`);
      }
    }
    if (!server) return EXIT.ok;

    // Embedded: serve until a signal, `mirra down` (the session ends) or expiry.
    const watching = new AbortController();
    const reason = await Promise.race([io.stopped ?? waitForSignal(), watchSession(client, session.sessionId, watching.signal)]);
    watching.abort();
    const id = session.sessionId;
    if (reason === 'SIGINT' || reason === 'SIGTERM') {
      if (session.persistent) {
        io.err(`${reason}: stopping; persistent session ${id} is kept in the data dir.`);
      } else {
        await client.deleteSession(id).catch(() => undefined);
        io.err(`${reason}: session ${id} ended · state cleared.`);
      }
    } else {
      io.err(`session ${id} ${reason}; stopping.`);
    }
    clearState(id);
    return EXIT.ok;
  } catch (error) {
    throw fromClientError(error, apiUrl, EXIT.provisioningFailed);
  } finally {
    await client.close().catch(() => undefined);
    await server?.close();
  }
}

function provisioningError(error: unknown, apiUrl: string): unknown {
  if (error instanceof MirraApiError) {
    return new CliError(`could not provision the session: ${error.message} [${error.code}]`, EXIT.provisioningFailed, error.hint);
  }
  return fromClientError(error, apiUrl, EXIT.provisioningFailed);
}

/** A live persistent session with that name (the same mirrors), or undefined. */
async function reattach(client: MirraClient, name: string, mirrors: string[]): Promise<Session | undefined> {
  try {
    const session = await client.getSession(name);
    if (session.status !== 'ready' || !session.persistent || session.name !== name) return undefined;
    const have = session.mirrors.map((m) => m.vendor).sort();
    if (have.join(',') !== [...mirrors].sort().join(',')) {
      throw new CliError(`persistent session ${name} (${session.sessionId}) has the mirrors ${have.join(', ')}, not ${mirrors.join(', ')}.`, EXIT.provisioningFailed, `End it first: mirra down --session=${name}`);
    }
    return session;
  } catch (error) {
    if (error instanceof MirraApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Resolves with the session's new status once it is no longer ready (deleted, expired). */
async function watchSession(client: MirraClient, sessionId: string, signal: AbortSignal): Promise<string> {
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      const session = await client.getSession(sessionId);
      if (session.status !== 'ready') return session.status === 'ended' ? 'ended (mirra down)' : session.status;
    } catch (error) {
      if (error instanceof MirraApiError && error.status === 404) return 'ended';
    }
  }
  return 'stopped';
}

export function splitList(value: string, flag: string, help: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one name, e.g. ${flag}=resend.`, help);
  for (const item of items) if (!/^[a-z][a-z0-9-]*$/.test(item)) throw new UsageError(`${flag}: '${item}' is not a mirror name.`, help);
  if (new Set(items).size !== items.length) throw new UsageError(`${flag} names a mirror twice.`, help);
  return items;
}
