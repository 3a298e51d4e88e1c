import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { request } from 'undici';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const doctorHelp = `Usage: mirra doctor [--json]

Check what mirra needs, one line each, with what to fix when a line fails:
  the CLI version, Node >= 20.19, the native SQLite module (better-sqlite3), the data dir
  (./.mirra or MIRRA_DATA_DIR) is writable, the control plane answers (the remote one of
  MIRRA_API_URL, else an embedded one started and stopped for the check) with its latency,
  and the token is accepted.
Exit 0 when every check passes, 1 otherwise.

Options:
  --json      one JSON line: { ok, checks: [{ name, ok, detail, fix? }] }
  -h, --help  show this help`;

export const MIN_NODE = [20, 19] as const;

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function doctorCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, doctorHelp);
  if (values.help) {
    io.out(doctorHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, doctorHelp);
  const checks: DoctorCheck[] = [];
  const emit = (check: DoctorCheck) => {
    checks.push(check);
    if (values.json) return;
    io.out(`${check.ok ? '✓' : '✗'} ${check.detail}`);
    if (!check.ok && check.fix) io.out(`    fix: ${check.fix}`);
  };

  const require = createRequire(import.meta.url);
  emit({ name: 'cli', ok: true, detail: `mirra ${(require('../../package.json') as { version: string }).version}` });
  emit(nodeCheck(process.versions.node));
  emit(await sqliteCheck());
  emit(dataDirCheck());
  for (const check of await controlPlaneChecks()) emit(check);

  const ok = checks.every((c) => c.ok);
  if (values.json) io.out(JSON.stringify({ ok, checks }));
  else io.out(ok ? 'all checks passed' : `${checks.filter((c) => !c.ok).length} check(s) failed`);
  return ok ? EXIT.ok : EXIT.belowThreshold;
}

export function nodeCheck(version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    ok,
    detail: `Node ${version} (needs >= ${MIN_NODE.join('.')})`,
    ...(ok ? {} : { fix: `install Node ${MIN_NODE.join('.')} or newer (e.g. \`nvm install 22\`)` }),
  };
}

async function sqliteCheck(): Promise<DoctorCheck> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
    db.close();
    return { name: 'sqlite', ok: true, detail: `SQLite ${version} (better-sqlite3 native module loads)` };
  } catch (error) {
    return {
      name: 'sqlite',
      ok: false,
      detail: `the native SQLite module (better-sqlite3) does not load: ${firstLine(error)}`,
      fix: 'rebuild it for this Node version: `npm rebuild better-sqlite3` (needs a C++ toolchain when no prebuilt binary matches)',
    };
  }
}

function dataDirCheck(): DoctorCheck {
  const dir = path.resolve(process.env.MIRRA_DATA_DIR || '.mirra');
  const rel = path.relative(process.cwd(), dir);
  const shown = rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel || '.';
  try {
    mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return { name: 'dataDir', ok: true, detail: `data dir ${shown} is writable` };
  } catch (error) {
    return {
      name: 'dataDir',
      ok: false,
      detail: `data dir ${shown} is not writable: ${firstLine(error)}`,
      fix: 'run from a directory you can write to, or set MIRRA_DATA_DIR to one',
    };
  }
}

async function controlPlaneChecks(): Promise<DoctorCheck[]> {
  const url = process.env.MIRRA_API_URL?.trim().replace(/\/+$/, '');
  const token = process.env.MIRRA_TOKEN?.trim();
  if (!url && !token) {
    let server: { url: string; token: string; close(): Promise<void> } | undefined;
    try {
      const { startServer } = await import('../server/index.js');
      const started = performance.now();
      server = await startServer({ log: () => undefined });
      const startMs = Math.round(performance.now() - started);
      const [health, auth] = await probe(server.url, server.token);
      const latency = /\((\d+) ms\)$/.exec(health.detail)?.[1];
      return [health.ok ? { ...health, detail: `embedded control plane ${server.url} started in ${startMs} ms, /healthz answered in ${latency} ms` } : health, auth];
    } catch (error) {
      return [{ name: 'controlPlane', ok: false, detail: `the embedded control plane does not start: ${firstLine(error)}`, fix: 'see the SQLite and data dir lines above; run with a writable TMPDIR' }];
    } finally {
      await server?.close().catch(() => undefined);
    }
  }
  if (!url || !token) {
    return [{
      name: 'controlPlane',
      ok: false,
      detail: `${url ? 'MIRRA_TOKEN' : 'MIRRA_API_URL'} is not set (a remote control plane needs both)`,
      fix: 'set both MIRRA_API_URL and MIRRA_TOKEN, or unset both to use the embedded control plane',
    }];
  }
  return probe(url, token);
}

/** GET /healthz (latency), then an authenticated GET /v1/mirrors. */
async function probe(url: string, token: string): Promise<DoctorCheck[]> {
  const started = performance.now();
  try {
    const res = await request(`${url}/healthz`, { headersTimeout: 5000, bodyTimeout: 5000 });
    await res.body.dump();
    const ms = Math.round(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`GET /healthz answered ${res.statusCode}`);
    const health: DoctorCheck = { name: 'controlPlane', ok: true, detail: `control plane ${url} reachable (${ms} ms)` };
    const res2 = await request(`${url}/v1/mirrors`, { headers: { authorization: `Bearer ${token}` }, headersTimeout: 5000, bodyTimeout: 5000 });
    const body = await res2.body.text();
    if (res2.statusCode === 200) {
      const names = (JSON.parse(body) as { data: { name: string }[] }).data.map((m) => m.name);
      return [health, { name: 'token', ok: true, detail: `token accepted · mirrors: ${names.join(', ') || 'none'}` }];
    }
    let code = `HTTP ${res2.statusCode}`;
    try {
      code = (JSON.parse(body) as { error: { code: string; message: string } }).error.message;
    } catch {
      // not the error envelope
    }
    return [health, { name: 'token', ok: false, detail: `token refused: ${code}`, fix: 'set MIRRA_TOKEN to the token `mirra serve` printed (MIRRA_TOKEN=mt_pat_…)' }];
  } catch (error) {
    return [
      { name: 'controlPlane', ok: false, detail: `control plane ${url} is not reachable: ${firstLine(error)}`, fix: 'start it (`mirra serve`) or correct MIRRA_API_URL; unset MIRRA_API_URL and MIRRA_TOKEN to use the embedded one' },
      { name: 'token', ok: false, detail: 'token not checked (no control plane)', fix: 'fix the control plane line first' },
    ];
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
  return message.split('\n')[0]!;
}
