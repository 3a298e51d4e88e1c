/**
 * `mirra up`, `down`, `reset`, `snapshot`, `restore`: against the control plane `mirra up`
 * embeds (reached from other processes through its state file) and against a separately
 * started `mirra serve` (MIRRA_API_URL + MIRRA_TOKEN).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MirraClient } from '../../src/client/index.js';
import { fixtureRoot } from '../vitest/run-fixture.js';
import { LOCAL_ENV, runCli, spawnCli, type SpawnedCli } from './run-cli.js';

const seedFile = path.join(fixtureRoot('shared'), 'seed.json');

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mirra-up-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

interface UpJson {
  sessionId: string;
  name: string;
  persistent: boolean;
  apiUrl: string;
  embedded: boolean;
  mirrors: Array<{ vendor: string; url: string; apiKey: string; webhookSecret: string }>;
  env: Record<string, string>;
}

async function emailCount(client: MirraClient, sessionId: string): Promise<number> {
  const state = await client.sessionState(sessionId);
  return (state.mirrors.resend!.emails ?? []).length;
}

async function sendEmail(up: UpJson): Promise<void> {
  const resend = new Resend(up.env.RESEND_API_KEY, { baseUrl: up.env.RESEND_BASE_URL } as never);
  const { error } = await resend.emails.send({ from: 'hello@mail.acme.com', to: ['alice@example.com'], subject: 'Hi', html: '<p>hi</p>' });
  expect(error).toBeNull();
}

describe('mirra up with the embedded control plane', () => {
  test('detects mirrors, prints keys and exports, serves until `mirra down` from another process; reset/snapshot/restore round trip', async () => {
    const cwd = project({ 'package.json': JSON.stringify({ dependencies: { resend: '^6.0.0', stripe: '^18.0.0' } }), 'src/mail.ts': "import { Resend } from 'resend';\n" });
    const up = spawnCli(['up', `--seed-file=${seedFile}`, '--timeout=2h'], { cwd, env: LOCAL_ENV });
    let client: MirraClient | undefined;
    try {
      const out = await up.waitFor(/Press Ctrl-C/);
      expect(out).toMatch(/^→ detected: stripe \(package\.json\), resend \(package\.json, src\/mail\.ts\)$/m);
      expect(out).toContain('→ provisioning stripe, resend mirrors…');
      expect(out).toMatch(/^✓ stripe → http:\/\/127\.0\.0\.1:\d+ {2}\(mirror [\d.]+\)$/m);
      expect(out).toMatch(/^ {4}api key {9}sk_test_\S+$/m);
      expect(out).toMatch(/^✓ resend → http:\/\/127\.0\.0\.1:\d+ {2}\(mirror [\d.]+\)$/m);
      expect(out).toMatch(/^ {4}api key {9}re_\S+$/m);
      expect(out).toMatch(/^ {4}webhook secret {2}whsec_\S+$/m);
      expect(out).toMatch(/^✓ session ses_\w+ ready in [\d.]+s · ephemeral, expires in 2h$/m);
      expect(out).toMatch(/^control plane: http:\/\/127\.0\.0\.1:\d+ \(embedded · data dir \.mirra\)$/m);
      for (const name of ['MIRRA_API_URL', 'MIRRA_TOKEN', 'MIRRA_SESSION_ID', 'RESEND_BASE_URL', 'RESEND_API_KEY', 'RESEND_WEBHOOK_SECRET', 'STRIPE_API_BASE', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) {
        expect(out).toMatch(new RegExp(`^export ${name}=\\S+$`, 'm'));
      }
      expect(up.stderr()).toBe('');
      const vars = Object.fromEntries([...out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
      const info = { sessionId: vars.MIRRA_SESSION_ID!, env: vars } as UpJson;

      // The state file other commands use (owner-only: it holds the token).
      const statePath = path.join(cwd, '.mirra', 'cli-state.json');
      const state = JSON.parse(readFileSync(statePath, 'utf8'));
      expect(state).toMatchObject({ apiUrl: vars.MIRRA_API_URL, token: vars.MIRRA_TOKEN, sessionId: info.sessionId, embedded: true, persistent: false });
      expect(statSync(statePath).mode & 0o777).toBe(0o600);

      client = new MirraClient({ baseUrl: vars.MIRRA_API_URL!, token: vars.MIRRA_TOKEN! });
      const cli = (args: string[]) => runCli(args, { cwd, env: LOCAL_ENV });
      await sendEmail(info);
      expect(await emailCount(client, info.sessionId)).toBe(1);

      const snap = await cli(['snapshot', '--json']);
      expect(snap.code).toBe(0);
      const snapshot = JSON.parse(snap.stdout);
      expect(snapshot).toMatchObject({ sessionId: info.sessionId, mirrors: [{ vendor: 'stripe' }, { vendor: 'resend' }] });
      expect(snapshot.snapshotId).toMatch(/^snap_/);

      await sendEmail(info);
      expect(await emailCount(client, info.sessionId)).toBe(2);
      const restored = await cli(['restore', `--session=${info.sessionId}`, `--snapshot=${snapshot.snapshotId}`]);
      expect(restored.stdout).toBe(`✓ session ${info.sessionId} restored to snapshot ${snapshot.snapshotId}\n`);
      expect(restored.code).toBe(0);
      expect(await emailCount(client, info.sessionId)).toBe(1);

      const reset = await cli(['reset']);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toMatch(new RegExp(`^✓ stripe reset to .+ in [\\d.]+ ms\\n✓ resend reset to .+ in [\\d.]+ ms\\nsession ${info.sessionId} reset in [\\d.]+ ms\\n$`));
      expect(await emailCount(client, info.sessionId)).toBe(0);

      // Re-seed with a built-in fixture: 100 emails; the next plain reset returns to it.
      const reseed = await cli(['reset', '--seed=resend:transactional-busy', '--json']);
      expect(reseed.code).toBe(0);
      // Every mirror of the session is reset; only resend gets the other seed.
      expect(JSON.parse(reseed.stdout)).toMatchObject({ sessionId: info.sessionId, mirrors: [{ vendor: 'stripe', seed: null }, { vendor: 'resend', seed: { fixture: 'transactional-busy' } }] });
      expect(await emailCount(client, info.sessionId)).toBe(100);

      // Unknown snapshot: an API error → 1, with the control plane's message.
      const missing = await cli(['restore', '--snapshot=snap_nothere']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('[mirra.snapshot.not_found]');

      // A second `up` here while the first runs is refused.
      const second = await cli(['up', '--mirrors=resend']);
      expect(second.code).toBe(3);
      expect(second.stderr).toContain(`error mirra up is already running for this directory (pid ${up.child.pid}, session ${info.sessionId}`);

      const down = await cli(['down']);
      expect(down.stdout).toBe(`✓ session ${info.sessionId} ended · state cleared\n`);
      expect(down.code).toBe(0);
      expect(await up.exited).toBe(0);
      expect(up.stderr()).toContain(`session ${info.sessionId} ended (mirra down); stopping.`);
      expect(existsSync(statePath)).toBe(false);

      // Nothing left to talk to.
      const after = await cli(['reset']);
      expect(after.code).toBe(3);
      expect(after.stderr).toContain('error no control plane: nothing was started with `mirra up` here and MIRRA_API_URL is not set.');
    } finally {
      up.child.kill('SIGKILL');
      await client?.close();
    }
  }, 40_000);

  test('--json prints one line; Ctrl-C (SIGINT) ends the ephemeral session and exits 0', async () => {
    const cwd = project();
    const up = spawnCli(['up', '--mirrors=resend', '--seed=resend:empty', '--name=ci-42', '--json'], { cwd, env: LOCAL_ENV });
    try {
      const line = await up.waitFor(/\n/);
      const info = JSON.parse(line) as UpJson & Record<string, unknown>;
      expect(Object.keys(info)).toEqual(['sessionId', 'name', 'status', 'persistent', 'createdAt', 'expiresAt', 'mirrors', 'apiUrl', 'embedded', 'reattached', 'env']);
      expect(info).toMatchObject({ name: 'ci-42', status: 'ready', persistent: false, embedded: true, reattached: false });
      expect(info.mirrors).toEqual([{ vendor: 'resend', url: info.apiUrl, version: expect.any(String), apiKey: expect.stringMatching(/^re_/), webhookSecret: expect.stringMatching(/^whsec_/) }]);
      expect(info.env).toMatchObject({ MIRRA_API_URL: info.apiUrl, MIRRA_SESSION_ID: info.sessionId, RESEND_BASE_URL: info.apiUrl, RESEND_API_KEY: info.mirrors[0]!.apiKey });
      // the name works as --session
      const snap = await runCli(['snapshot', '--session=ci-42'], { cwd, env: LOCAL_ENV });
      expect(snap.code).toBe(0);
      expect(snap.stdout).toMatch(/^✓ snapshot snap_\w+ of session ses_\w+ \(resend \d+ bytes\)\nrestore it with: mirra restore --session=ci-42 --snapshot=snap_\w+\n$/);
      up.child.kill('SIGINT');
      expect(await up.exited).toBe(0);
      expect(up.stderr()).toContain(`SIGINT: session ${info.sessionId} ended · state cleared.`);
      expect(up.stdout()).toBe(line);
    } finally {
      up.child.kill('SIGKILL');
    }
  }, 30_000);

  test('mirra run --session uses the session of `mirra up` (found through MIRRA_DATA_DIR), resets it and keeps it', async () => {
    const cwd = project();
    const up = spawnCli(['up', '--mirrors=resend', '--json'], { cwd, env: LOCAL_ENV });
    try {
      const info = JSON.parse(await up.waitFor(/\n/)) as UpJson;
      const runEnv = { ...LOCAL_ENV, MIRRA_DATA_DIR: path.join(cwd, '.mirra') };
      const result = await runCli(['run', 'welcome.scenario.md', `--session=${info.sessionId}`, '--runs=1', '--json'], { cwd: fixtureRoot('correct'), env: runEnv, timeoutMs: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ sessionId: info.sessionId, runs: 1, satisfactionScore: 1 });
      const client = new MirraClient({ baseUrl: info.apiUrl, token: info.env.MIRRA_TOKEN! });
      expect((await client.getSession(info.sessionId)).status).toBe('ready');
      expect(await emailCount(client, info.sessionId)).toBe(1); // the run's email, on the scenario's seed
      await client.close();
      const lacking = await runCli(['run', 'welcome.scenario.md', '--session=ses_zzzz'], { cwd: fixtureRoot('correct'), env: runEnv });
      expect(lacking.code).toBe(3);
      expect(lacking.stderr).toContain('error --session=ses_zzzz: ');
      expect(lacking.stderr).toContain('[mirra.session.not_found]');
      up.child.kill('SIGTERM');
      expect(await up.exited).toBe(0);
    } finally {
      up.child.kill('SIGKILL');
    }
  }, 40_000);

  test('no mirrors detected → exit 3 with what to do; usage errors → 64', async () => {
    const cwd = project({ 'package.json': '{"dependencies":{"left-pad":"1"}}' });
    const none = await runCli(['up'], { cwd, env: LOCAL_ENV });
    expect(none.code).toBe(3);
    expect(none.stderr).toBe('error no mirrors detected in this project (no resend, stripe or twilio dependency or import).\n  Name them: mirra up --mirrors=resend\n');
    const cases: Array<[string[], string]> = [
      [['up', '--persistent'], '--persistent needs --name=<name>'],
      [['up', '--mirrors=resend', '--timeout=abc'], "--timeout must be a duration such as 90s, 60m or 2h, got 'abc'."],
      [['up', '--mirrors=resend', '--seed=transactional-busy'], "--seed must be <mirror>:<fixture> (e.g. --seed=resend:transactional-busy), got 'transactional-busy'."],
      [['up', '--mirrors=resend', '--no-proxy'], "Unknown option '--no-proxy'"],
      [['up', '--mirrors='], '--mirrors needs at least one name'],
      [['down', '--all', '--session=x'], '--all and --session cannot be combined.'],
      [['restore', '--session=x'], 'mirra restore needs --snapshot=<snap_id>'],
      [['reset', 'extra'], "Unexpected argument 'extra'."],
      [['snapshot', '--bogus'], "Unknown option '--bogus'"],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, { cwd, env: LOCAL_ENV })));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(64);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stderr).toContain(`Usage: mirra ${cases[i]![0][0]}`);
    });
  }, 30_000);
});

describe('session commands against a separately started `mirra serve`', () => {
  let serve: SpawnedCli;
  let env: NodeJS.ProcessEnv;
  let client: MirraClient;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mirra-serve-'));

  beforeAll(async () => {
    serve = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], { env: LOCAL_ENV });
    const out = await serve.waitFor(/MIRRA_TOKEN=\S+\n/);
    const url = /MIRRA_API_URL=(\S+)/.exec(out)![1]!;
    const token = /MIRRA_TOKEN=(\S+)/.exec(out)![1]!;
    env = { ...LOCAL_ENV, MIRRA_API_URL: url, MIRRA_TOKEN: token };
    client = new MirraClient({ baseUrl: url, token });
  }, 20_000);
  afterAll(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  test('up returns after printing; reset, snapshot, restore and down reach the remote session', async () => {
    const cwd = project();
    const up = await runCli(['up', '--mirrors=resend', `--seed-file=${seedFile}`, '--json'], { cwd, env });
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as UpJson;
    expect(info).toMatchObject({ apiUrl: env.MIRRA_API_URL, embedded: false });
    expect(info.env.MIRRA_TOKEN).toBeUndefined(); // a remote token is not echoed
    expect((await client.getSession(info.sessionId)).status).toBe('ready');
    // the remote token is not written to the state file
    expect(JSON.parse(readFileSync(path.join(cwd, '.mirra', 'cli-state.json'), 'utf8'))).toEqual({
      apiUrl: env.MIRRA_API_URL,
      sessionId: info.sessionId,
      name: info.sessionId,
      persistent: false,
      embedded: false,
      pid: expect.any(Number),
      createdAt: expect.any(String),
    });

    await sendEmail(info);
    const snap = await runCli(['snapshot', '--snapshot=snap_before'], { cwd, env });
    expect(snap.code).toBe(0);
    expect(snap.stdout).toMatch(new RegExp(`^✓ snapshot snap_before of session ${info.sessionId} \\(resend \\d+ bytes\\)\n`));
    const taken = await runCli(['snapshot', '--snapshot=snap_before'], { cwd, env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('[mirra.snapshot.exists]');
    await sendEmail(info);
    expect(await emailCount(client, info.sessionId)).toBe(2);
    const restore = await runCli(['restore', '--snapshot=snap_before', '--json'], { cwd, env });
    expect(restore.code).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ sessionId: info.sessionId, snapshotId: 'snap_before' });
    expect(await emailCount(client, info.sessionId)).toBe(1);
    const reset = await runCli(['reset', '--mirrors=resend'], { cwd, env });
    expect(reset.code).toBe(0);
    expect(await emailCount(client, info.sessionId)).toBe(0);
    const wrongMirror = await runCli(['reset', '--mirrors=stripe'], { cwd, env });
    expect(wrongMirror.code).toBe(1);
    expect(wrongMirror.stderr).toContain('[mirra.session.mirror_not_in_session]');

    const down = await runCli(['down', '--json'], { cwd, env });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual({ sessionId: info.sessionId, name: info.sessionId, status: 'ended' });
    expect((await client.getSession(info.sessionId)).status).toBe('ended');
    const again = await runCli(['down', `--session=${info.sessionId}`], { cwd, env });
    expect(again.code).toBe(0); // deleting an ended session returns it unchanged
    const unknown = await runCli(['down', '--session=ses_zzzz'], { cwd, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[mirra.session.not_found]');
  }, 30_000);

  test('persistent sessions by name; down --all ends every live session', async () => {
    const cwd = project();
    const first = await runCli(['up', '--mirrors=resend', '--persistent', '--name=staging-acme', '--json'], { cwd, env });
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    expect(a).toMatchObject({ name: 'staging-acme', persistent: true, reattached: false, expiresAt: null });
    const again = await runCli(['up', '--mirrors=resend', '--persistent', '--name=staging-acme', '--json'], { cwd, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ sessionId: a.sessionId, reattached: true });
    const other = await runCli(['up', '--mirrors=resend', '--quiet'], { cwd, env });
    expect(other.stdout).toMatch(/^export MIRRA_API_URL=\S+\nexport MIRRA_SESSION_ID=ses_\w+\nexport RESEND_BASE_URL=\S+\nexport RESEND_API_KEY=re_\S+\nexport RESEND_WEBHOOK_SECRET=whsec_\S+\n$/);
    const all = await runCli(['down', '--all'], { cwd, env });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`✓ session ${a.sessionId} (staging-acme) archived to `);
    expect((await client.listSessions({ status: 'ready' })).data).toEqual([]);
  }, 30_000);

  test('provisioning failures exit 3: an unknown mirror, an unreachable control plane, half the env', async () => {
    const cwd = project();
    const unknown = await runCli(['up', '--mirrors=github'], { cwd, env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("error could not provision the session: Unknown mirror 'github'. Not in the current catalog. [mirra.session.mirror_not_in_catalog]");
    const unreachable = await runCli(['up', '--mirrors=resend'], { cwd, env: { ...env, MIRRA_API_URL: 'http://127.0.0.1:9' } });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('error the control plane at http://127.0.0.1:9 is not reachable');
    const half = await runCli(['reset', '--session=x'], { cwd, env: { ...LOCAL_ENV, MIRRA_API_URL: env.MIRRA_API_URL } });
    expect(half.code).toBe(3);
    expect(half.stderr).toContain('error MIRRA_TOKEN is not set: a remote control plane needs both MIRRA_API_URL and MIRRA_TOKEN.');
    const badToken = await runCli(['down', '--session=x'], { cwd, env: { ...env, MIRRA_TOKEN: 'mt_pat_wrong' } });
    expect(badToken.code).toBe(3);
    expect(badToken.stderr).toContain('[mirra.auth.invalid_token]');
  }, 30_000);
});
