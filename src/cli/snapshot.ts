import { fromClientError } from './client-error.js';
import { connect, sessionArg } from './control-plane.js';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const snapshotHelp = `Usage: mirra snapshot [--session=<id-or-name>] [--snapshot=<snap_id>] [--json]

Save the state of every mirror of a session (one SQLite image per mirror, grouped under one
snapshot id) to restore later with \`mirra restore\`. Snapshots of a persistent session are
files in the data dir and survive restarts; an ephemeral session's end with it.
Without --session, the session of the last \`mirra up\`.

Options:
  --session=<id-or-name>  the session to snapshot
  --snapshot=<snap_id>    choose the id (default: a new snap_… id)
  --json                  one JSON line: { snapshotId, sessionId, createdAt, mirrors[] }
  -h, --help              show this help`;

export async function snapshotCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, { session: { type: 'string' }, snapshot: { type: 'string' }, json: { type: 'boolean' } }, snapshotHelp);
  if (values.help) {
    io.out(snapshotHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, snapshotHelp);
  if (values.snapshot !== undefined && values.snapshot.trim() === '') throw new UsageError('--snapshot must not be empty.', snapshotHelp);
  const connection = connect();
  const { client } = connection;
  const target = sessionArg(values.session, connection, snapshotHelp);
  try {
    const snap = await client.snapshotSession(target, values.snapshot ? { snapshotId: values.snapshot } : {});
    if (values.json) {
      io.out(JSON.stringify(snap));
    } else {
      io.out(`✓ snapshot ${snap.snapshotId} of session ${snap.sessionId} (${snap.mirrors.map((m) => `${m.vendor} ${m.bytes} bytes`).join(', ')})`);
      io.out(`restore it with: mirra restore --session=${target} --snapshot=${snap.snapshotId}`);
    }
    return EXIT.ok;
  } catch (error) {
    throw fromClientError(error, connection.url);
  } finally {
    await client.close().catch(() => undefined);
  }
}
