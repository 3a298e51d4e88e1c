import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type MirraServer } from '../../src/server/index.js';
import { LOCAL_ENV, runCli } from './run-cli.js';

describe('mirra doctor', () => {
  let server: MirraServer;
  beforeAll(async () => {
    server = await startServer({ log: () => {} });
  });
  afterAll(() => server?.close());
  const cwd = mkdtempSync(path.join(tmpdir(), 'mirra-doctor-'));

  test('embedded: every line passes, exit 0', async () => {
    const result = await runCli(['doctor'], { cwd, env: LOCAL_ENV });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^✓ mirra \d+\.\d+\.\d+$/);
    expect(lines[1]).toMatch(/^✓ Node \d+\.\d+\.\d+ \(needs >= 20\.19\)$/);
    expect(lines[2]).toMatch(/^✓ SQLite 3\.\d+\.\d+ \(better-sqlite3 native module loads\)$/);
    expect(lines[3]).toBe('✓ data dir .mirra is writable');
    expect(lines[4]).toMatch(/^✓ embedded control plane http:\/\/127\.0\.0\.1:\d+ started in \d+ ms, \/healthz answered in \d+ ms$/);
    expect(lines[5]).toBe('✓ token accepted · mirrors: resend, stripe, twilio');
    expect(lines[6]).toBe('all checks passed');
  });

  test('remote: reachable with latency; a wrong token fails with what to fix, exit 1', async () => {
    const ok = await runCli(['doctor', '--json'], { cwd, env: { ...LOCAL_ENV, MIRRA_API_URL: server.url, MIRRA_TOKEN: server.token } });
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(['cli', 'node', 'sqlite', 'dataDir', 'controlPlane', 'token']);
    expect(report.checks[4].detail).toMatch(new RegExp(`^control plane ${server.url} reachable \\(\\d+ ms\\)$`));

    const bad = await runCli(['doctor'], { cwd, env: { ...LOCAL_ENV, MIRRA_API_URL: server.url, MIRRA_TOKEN: 'mt_pat_wrong' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ token refused: ');
    expect(bad.stdout).toContain('    fix: set MIRRA_TOKEN to the token `mirra serve` printed');
    expect(bad.stdout).toMatch(/1 check\(s\) failed\n$/);
  });

  test('an unreachable control plane and an unwritable data dir fail, each with a fix', async () => {
    const result = await runCli(['doctor'], { cwd, env: { ...LOCAL_ENV, MIRRA_API_URL: 'http://127.0.0.1:9', MIRRA_TOKEN: 'mt_pat_x', MIRRA_DATA_DIR: '/etc/hostname/mirra' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ data dir /etc/hostname/mirra is not writable: ');
    expect(result.stdout).toContain('    fix: run from a directory you can write to, or set MIRRA_DATA_DIR to one');
    expect(result.stdout).toContain('✗ control plane http://127.0.0.1:9 is not reachable: ');
    expect(result.stdout).toContain('    fix: start it (`mirra serve`) or correct MIRRA_API_URL');
    expect(result.stdout).toContain('3 check(s) failed');
  });

  test('--help exits 0 and every command has --help; an unknown flag exits 64', async () => {
    const commands = ['up', 'down', 'run', 'reset', 'snapshot', 'restore', 'doctor', 'check', 'serve'];
    const results = await Promise.all(commands.map((c) => runCli([c, '--help'], { env: LOCAL_ENV })));
    results.forEach((r, i) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: mirra ${commands[i]}`);
    });
    const unknown = await runCli(['doctor', '--fix'], { env: LOCAL_ENV });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("Unknown option '--fix'");
    const main = await runCli(['--help']);
    for (const c of commands) expect(main.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
});
