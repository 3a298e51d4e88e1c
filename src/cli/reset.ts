import type { SeedInput } from '../client/index.js';
import { fromClientError } from './client-error.js';
import { connect, sessionArg } from './control-plane.js';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { checkSeedMirrors, parseSeedFlags, readSeedFile } from './seeds.js';
import { splitList } from './up.js';
import { UsageError } from './usage-error.js';

export const resetHelp = `Usage: mirra reset [--session=<id-or-name>] [--mirrors=<list>] [--seed=<mirror>:<fixture>]...
                   [--seed-file=path] [--json]

Put a session's mirrors back to their seed (state, webhook endpoints registered during the
session, rate-limit counters, idempotency keys) without re-provisioning. The session id,
URLs and credentials do not change. Without --session, the session of the last \`mirra up\`.

Options:
  --session=<id-or-name>  the session to reset
  --mirrors=<list>        only these mirrors (default: all)
  --seed=<m>:<fixture>    re-seed a mirror with a built-in fixture; later resets return to it
  --seed-file=<path>      re-seed from a seed document; wins over --seed
  --json                  one JSON line: { sessionId, status, mirrors[{ vendor, seed, durationMs }], durationMs }
  -h, --help              show this help`;

export async function resetCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { session: { type: 'string' }, mirrors: { type: 'string' }, seed: { type: 'string', multiple: true }, 'seed-file': { type: 'string' }, json: { type: 'boolean' } },
    resetHelp,
  );
  if (values.help) {
    io.out(resetHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, resetHelp);
  const mirrors = values.mirrors === undefined ? undefined : splitList(values.mirrors, '--mirrors', resetHelp);
  const flagSeeds = parseSeedFlags(values.seed, resetHelp);
  const connection = connect();
  const { client } = connection;
  const target = sessionArg(values.session, connection, resetHelp);
  try {
    let seeds: Record<string, SeedInput> = flagSeeds;
    if (values['seed-file'] !== undefined || Object.keys(flagSeeds).length > 0) {
      const session = await client.getSession(target);
      const sessionMirrors = session.mirrors.map((m) => m.vendor);
      if (values['seed-file'] !== undefined) {
        if (Object.keys(flagSeeds).length) io.err('note: --seed-file wins over --seed; the --seed flags are ignored.');
        seeds = await readSeedFile(values['seed-file'], mirrors ?? sessionMirrors, resetHelp);
      }
      checkSeedMirrors(seeds, mirrors ?? sessionMirrors, resetHelp);
    }
    const result = await client.resetSession(target, { ...(mirrors ? { mirrors } : {}), ...(Object.keys(seeds).length ? { seeds } : {}) });
    if (values.json) {
      io.out(JSON.stringify(result));
    } else {
      for (const m of result.mirrors) io.out(`✓ ${m.vendor} reset to ${seedName(m.seed)} in ${m.durationMs} ms`);
      io.out(`session ${result.sessionId} reset in ${result.durationMs} ms`);
    }
    return EXIT.ok;
  } catch (error) {
    throw fromClientError(error, connection.url);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function seedName(seed: unknown): string {
  if (typeof seed === 'string') return seed;
  if (seed && typeof seed === 'object') {
    const s = seed as { fixture?: unknown; file?: unknown; name?: unknown };
    if (typeof s.fixture === 'string') return s.fixture;
    if (typeof s.name === 'string') return s.name;
    if (typeof s.file === 'string') return s.file;
    return 'its inline seed';
  }
  return 'an empty state';
}
