import type { MirraClient, Session } from '../client/index.js';
import { fromClientError } from './client-error.js';
import { clearState, connect, sessionArg } from './control-plane.js';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const downHelp = `Usage: mirra down [--session=<id-or-name>] [--all] [--json]

End a session: ephemeral state is destroyed, a persistent session is archived under the
data dir. Without --session, the session of the last \`mirra up\` here. When that \`mirra up\`
runs the control plane in-process, it exits once its session has ended.

Options:
  --session=<id-or-name>  the session to end
  --all                   end every live session of the workspace
  --json                  one JSON line per ended session: { sessionId, name, status }
  -h, --help              show this help`;

export async function downCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, { session: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, downHelp);
  if (values.help) {
    io.out(downHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, downHelp);
  if (values.all && values.session !== undefined) throw new UsageError('--all and --session cannot be combined.', downHelp);
  const connection = connect();
  const { client } = connection;
  try {
    const targets = values.all ? await liveSessions(client) : [sessionArg(values.session, connection, downHelp)];
    if (values.all && targets.length === 0 && !values.json) io.out('no live sessions');
    for (const target of targets) {
      const ended = await client.deleteSession(target);
      if (connection.state && (connection.state.sessionId === ended.sessionId)) clearState(ended.sessionId);
      if (values.json) io.out(JSON.stringify({ sessionId: ended.sessionId, name: ended.name, status: ended.status, ...(ended.archiveDir ? { archiveDir: ended.archiveDir } : {}) }));
      else io.out(`✓ session ${ended.sessionId}${ended.name !== ended.sessionId ? ` (${ended.name})` : ''} ${describe(ended)}`);
    }
    return EXIT.ok;
  } catch (error) {
    throw fromClientError(error, connection.url);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describe(session: Session): string {
  if (session.status === 'archived') return `archived to ${session.archiveDir ?? 'the data dir'}`;
  if (session.status === 'ended') return 'ended · state cleared';
  return session.status;
}

async function liveSessions(client: MirraClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const session of client.allSessions({ status: 'ready', limit: 100 })) ids.push(session.sessionId);
  return ids;
}
