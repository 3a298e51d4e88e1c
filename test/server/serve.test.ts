import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/serve.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { MirraClient } from '../../src/client/index.js';

describe('mirra serve', () => {
  it('prints the URL and token, serves until stopped, then closes cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirra-serve-'));
    const out: string[] = [];
    let stop!: (s: string) => void;
    const stopped = new Promise<string>((r) => (stop = r));
    const done = serveCommand(['--port', '0', '--data-dir', dir, '--token', 'mt_pat_servetest'], { out: (l) => out.push(l), err: () => {}, stopped });
    while (!out.some((l) => l.startsWith('MIRRA_TOKEN='))) await new Promise((r) => setTimeout(r, 10));
    const url = out.find((l) => l.startsWith('MIRRA_API_URL='))!.slice('MIRRA_API_URL='.length);
    expect(out).toContain('MIRRA_TOKEN=mt_pat_servetest');
    const client = new MirraClient({ baseUrl: url, token: 'mt_pat_servetest' });
    expect((await client.listSessions()).data).toEqual([]);
    await client.close();
    stop('SIGTERM');
    expect(await done).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('usage errors are UsageError (exit 64 with help); --help exits 0', async () => {
    await expect(serveCommand(['--port', 'abc'])).rejects.toBeInstanceOf(UsageError);
    await expect(serveCommand(['--port', '70000'])).rejects.toBeInstanceOf(UsageError);
    await expect(serveCommand(['--nope'])).rejects.toBeInstanceOf(UsageError);
    await expect(serveCommand(['extra'])).rejects.toBeInstanceOf(UsageError);
    const out: string[] = [];
    expect(await serveCommand(['--help'], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out.join('\n')).toContain('Usage: mirra serve');
  });
});
