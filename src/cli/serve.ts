import { EXIT } from './exit-codes.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const serveHelp = `Usage: mirra serve [--port <n>] [--host <addr>] [--data-dir <dir>] [--token <mt_pat_…>]

Run the control plane and every mirror on one HTTP server until SIGINT/SIGTERM.
Clients use the printed URL and token (MIRRA_API_URL, MIRRA_TOKEN).

Options:
  --port <n>         port to listen on (default 4100; 0 picks a free port)
  --host <addr>      address to bind (default 127.0.0.1; 0.0.0.0 serves other machines)
  --data-dir <dir>   control-plane store and persistent sessions (default ./.mirra)
  --token <token>    bearer token of the default workspace (default: the one stored
                     in the data dir, else a new mt_pat_… token)
  -h, --help         show this help`;

export interface ServeIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process should stop (SIGINT/SIGTERM by default). */
  stopped?: Promise<string>;
}

/** `mirra serve`: exit 0 after a clean shutdown, 64 on usage errors, 3 when the server cannot start. */
export async function serveCommand(argv: string[], io: ServeIo = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, token: { type: 'string' } },
    serveHelp,
  );
  if (values.help) {
    io.out(serveHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, serveHelp);
  const port = values.port === undefined ? 4100 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'.`, serveHelp);
  }
  if (values.host !== undefined && values.host.trim() === '') throw new UsageError('--host must not be empty.', serveHelp);
  if (values.token !== undefined && !/^\S{8,512}$/.test(values.token)) throw new UsageError('--token must be 8-512 non-space characters.', serveHelp);
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '') throw new UsageError('--data-dir must not be empty.', serveHelp);

  const { startServer } = await import('../server/index.js');
  let server;
  try {
    server = await startServer({
      port,
      host: values.host ?? '127.0.0.1',
      dataDir: values['data-dir'] ?? '.mirra',
      ...(values.token !== undefined ? { token: values.token } : {}),
      log: io.err,
    });
  } catch (error) {
    io.err(`error: the server could not start: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.provisioningFailed;
  }
  io.out(`mirra control plane listening on ${server.url}`);
  io.out(`MIRRA_API_URL=${server.url}`);
  io.out(`MIRRA_TOKEN=${server.token}`);
  io.out(`data dir: ${server.dataDir}`);
  const signal = await (io.stopped ?? signals());
  io.err(`${signal}: shutting down…`);
  await server.close();
  return EXIT.ok;
}

function signals(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
      resolve(sig);
    };
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
  });
}

function defaultIo(): ServeIo {
  return { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
}
