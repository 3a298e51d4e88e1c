import { fromClientError } from './client-error.js';
import { connect, sessionArg } from './control-plane.js';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const restoreHelp = `Usage: mirra restore --snapshot=<snap_id> [--session=<id-or-name>] [--json]

Put every mirror of a session back to a snapshot taken with \`mirra snapshot\`. Snapshots
belong to their session. Without --session, the session of the last \`mirra up\`.

Options:
  --snapshot=<snap_id>    the snapshot to restore (required)
  --session=<id-or-name>  the session it belongs to
  --json                  one JSON line with the control plane's answer
  -h, --help              show this help`;

export async function restoreCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, { session: { type: 'string' }, snapshot: { type: 'string' }, json: { type: 'boolean' } }, restoreHelp);
  if (values.help) {
    io.out(restoreHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, restoreHelp);
  if (!values.snapshot?.trim()) throw new UsageError('mirra restore needs --snapshot=<snap_id> (see `mirra snapshot`).', restoreHelp);
  const connection = connect();
  const { client } = connection;
  const target = sessionArg(values.session, connection, restoreHelp);
  try {
    const result = await client.restoreSession(target, values.snapshot);
    if (values.json) io.out(JSON.stringify(result));
    else io.out(`✓ session ${result.sessionId} restored to snapshot ${values.snapshot}`);
    return EXIT.ok;
  } catch (error) {
    throw fromClientError(error, connection.url);
  } finally {
    await client.close().catch(() => undefined);
  }
}
