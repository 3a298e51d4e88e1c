/**
 * `mirra run` end to end: the built CLI runs the Vitest fixture projects of test/vitest
 * (their vitest.config uses withMirra, so the CLI must not add a second plugin), against
 * the embedded control plane and against one started here (MIRRA_API_URL + MIRRA_TOKEN).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MirraClient } from '../../src/client/index.js';
import { resend } from '../../src/mirrors/resend/index.js';
import { startServer, type MirraServer } from '../../src/server/index.js';
import { fixtureRoot } from '../vitest/run-fixture.js';
import { LOCAL_ENV, runCli } from './run-cli.js';

const correct = fixtureRoot('correct');
const broken = fixtureRoot('broken');
const invalid = fixtureRoot('invalid');
const T = 40_000;
const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = LOCAL_ENV) => runCli(['run', ...args], { cwd, env, timeoutMs: 30_000 });
const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));

const WELCOME_CHECKS = [
  'Exactly 1 email is created in the Resend mirror',
  "The email's `from` includes `hello@mail.acme.com`",
  "The email's `to` includes `alice@example.com`",
  'At least 1 `email.delivered` webhook was received by the handler',
  'The webhook signature was verified',
];

describe.concurrent('mirra run (embedded control plane)', () => {
  test('a passing run: per-run ✓ blocks, the score, the breakdown; exit 0; unit tests are not run', async () => {
    const result = await run(['welcome.scenario.md', 'scenarios'], correct);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Bounce Is Recorded \(scenarios\/bounce\.md · run_\w+ · ses_\w+\)$/m);
    expect(out).toMatch(/^Send Welcome Email on Signup \(welcome\.scenario\.md · run_\w+ · ses_\w+\)$/m);
    expect(out).toMatch(/^→ run 1\/2 · \d/m);
    expect(out).toMatch(/^→ run 2\/2 · \d/m);
    for (const check of WELCOME_CHECKS) expect(out.split('\n').filter((l) => l === `  ✓ check: ${check}`)).toHaveLength(3 - (check === WELCOME_CHECKS[0] ? 0 : 1));
    expect(out).toContain('  – judge: The subject line is friendly and on-brand\n      not graded: no judge is configured');
    expect(out).toContain('satisfaction score: 100% (10/10 criteria passed across 2 runs)');
    expect(out).toContain('per-criterion breakdown:\n  2/2 check Exactly 1 email is created in the Resend mirror');
    expect(out).toContain('    — judge The subject line is friendly and on-brand');
    expect(out).toContain('2 scenarios · 12/12 criteria passed · every graded criterion passed → exit 0');
    expect(out).not.toContain('unit tests keep running');
  }, T);

  test('a failing run exits 1 without --fail-below and prints why each criterion failed', async () => {
    const result = await run(['welcome.scenario.md'], broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  ✗ check: Exactly 1 email is created in the Resend mirror\n      expected exactly 1 email created in the Resend mirror, found 2: ');
    expect(result.stdout).toContain('  ✗ check: The webhook signature was verified');
    expect(result.stdout).toContain('satisfaction score: 50% (2/4 criteria passed across 1 run)');
    expect(result.stdout).toContain('1 scenario · 2/4 criteria passed · some criteria failed → exit 1');
  }, T);

  test('--fail-below: 0.5 ≥ 0.5 passes (equality passes), 0.51 fails', async () => {
    const [pass, fail] = await Promise.all([
      run(['welcome.scenario.md', '--fail-below=0.5', '--json'], broken),
      run(['welcome.scenario.md', '--fail-below=0.51'], broken),
    ]);
    expect(pass.code).toBe(0);
    expect(pass.stderr).toBe('');
    const [line, ...rest] = jsonLines(pass.stdout);
    expect(rest).toEqual([]);
    expect(Object.keys(line)).toEqual(['runId', 'scenario', 'sessionId', 'runs', 'satisfactionScore', 'criteria', 'durationMs']);
    expect(line).toMatchObject({ scenario: 'welcome.scenario.md', runs: 1, satisfactionScore: 0.5 });
    expect(line.runId).toMatch(/^run_/);
    expect(line.sessionId).toMatch(/^ses_/);
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.criteria).toEqual([
      { label: 'Exactly 1 email is created in the Resend mirror', kind: 'check', passed: 0, total: 1 },
      { label: 'At least 1 email is sent to `alice@example.com`', kind: 'check', passed: 1, total: 1 },
      { label: 'At least 1 `email.delivered` webhook was received by the handler', kind: 'check', passed: 1, total: 1 },
      { label: 'The webhook signature was verified', kind: 'check', passed: 0, total: 1 },
    ]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('below --fail-below=0.51: welcome.scenario.md 0.5 → exit 1');
  }, T);

  test('a run that times out exits 2; --timeout and --driver override the scenario', async () => {
    const [slow, overridden] = await Promise.all([
      run(['slow.scenario.md', '--quiet'], broken),
      // welcome.scenario.md passes with its own driver and timeout; here the slow driver gets 1 s.
      run(['welcome.scenario.md', '--runs=1', '--timeout=1s', '--driver=../broken/slow.driver.ts', '--json'], correct),
    ]);
    expect(slow.code).toBe(2);
    expect(slow.stdout).toMatch(/^→ run 1\/1 · [\d.]+s · timed out$/m);
    expect(slow.stdout).toContain('  ✗ check: Exactly 1 email is created in the Resend mirror\n      run timed out after 1 s');
    expect(slow.stdout).toContain('timed out: run 1');
    expect(slow.stdout).toContain('a run timed out → exit 2');
    expect(overridden.code).toBe(2);
    const [line] = jsonLines(overridden.stdout);
    expect(line.runs).toBe(1);
    expect(line.satisfactionScore).toBe(0);
  }, T);

  test('an invalid scenario exits 4 before anything runs, every problem as file:line:column code message', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'mirra-run-'));
    writeFileSync(path.join(cwd, 'ok.scenario.md'), '# Ok\n\n## Success Criteria\n- Exactly 1 email is created in the Resend mirror\n\n## Config\nmirrors: resend\n');
    const result = await run([path.join(invalid, 'bad.scenario.md'), 'ok.scenario.md', '--json'], cwd);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    const bad = path.relative(cwd, path.join(invalid, 'bad.scenario.md'));
    expect(result.stderr).toContain(`${bad}:11:1 mirra.scenario.invalid_config `);
    expect(result.stderr).toContain("Invalid timeout: 'soon' is not a positive whole number.");
    expect(result.stderr).toContain('1 of 2 scenario file(s) invalid; nothing was run.');
  });

  test('an unreachable remote control plane exits 3', async () => {
    const result = await run(['welcome.scenario.md'], correct, { ...LOCAL_ENV, MIRRA_API_URL: 'http://127.0.0.1:9', MIRRA_TOKEN: 'mt_pat_nothere' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error the control plane at http://127.0.0.1:9 is not reachable');
  });

  test('usage errors print the help and exit 64', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'mirra run needs at least one scenario file or glob.'],
      [['x.md', '--timeout=abc'], "--timeout must be a duration such as 90s, 2m or 1h, got 'abc'."],
      [['x.md', '--fail-below=1.5'], "--fail-below must be a number from 0 to 1 (e.g. 0.9), got '1.5'."],
      [['x.md', '--fail-below=-0.1'], "--fail-below must be a number from 0 to 1 (e.g. 0.9), got '-0.1'."],
      [['x.md', '--runs=0'], "--runs must be a whole number from 1 to 100, got '0'."],
      [['x.md', '--runs=2.5'], "--runs must be a whole number from 1 to 100, got '2.5'."],
      [['x.md', '--fixture=resend'], "--fixture must be <mirror>:<name> (e.g. resend:transactional-busy), got 'resend'."],
      [['x.md', '--fixture=resend:transactional-bust'], "--fixture: the resend mirror has no fixture 'transactional-bust'. Did you mean 'resend:transactional-busy'?"],
      [['x.md', '--driver=nope.ts'], '--driver: no such file: nope.ts'],
      [['x.md', '--agent=cursor'], "Unknown option '--agent'"],
      [['welcome.scenario.md', '--fixture=resend:empty', '--session='], '--session must not be empty.'],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args, correct)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(64);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stderr).toContain('Usage: mirra run <file-or-glob>...');
    });
    const missing = await run(['nope.md'], correct);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('No such file or directory: nope.md');
    const help = await run(['--help'], correct);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('When several apply the highest in this order wins: 64, 4, 3, 2, 1.');
  });
});

describe('mirra run (remote control plane)', () => {
  let server: MirraServer;
  let client: MirraClient;
  beforeAll(async () => {
    server = await startServer({ log: () => {}, rateLimit: 1_000_000 });
    client = new MirraClient({ baseUrl: server.url, token: server.token });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  test('a mirror the control plane does not serve exits 3 before Vitest starts', async () => {
    const resendOnly = await startServer({ log: () => {}, mirrors: [resend] });
    try {
      const cwd = mkdtempSync(path.join(tmpdir(), 'mirra-run-'));
      writeFileSync(path.join(cwd, 'pay.scenario.md'), '# Pay\n\n## Success Criteria\n- check: Exactly 1 charge exists in the Stripe mirror\n\n## Config\nmirrors: stripe\n');
      const result = await run(['pay.scenario.md'], cwd, { ...LOCAL_ENV, MIRRA_API_URL: resendOnly.url, MIRRA_TOKEN: resendOnly.token });
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('error pay.scenario.md: the stripe mirror is not available on this control plane (it serves resend).');
    } finally {
      await resendOnly.close();
    }
  }, T);

  test('the run is recorded (GET /v1/runs/{id}); --runs and --fixture override ## Config', async () => {
    const env = { ...LOCAL_ENV, MIRRA_API_URL: server.url, MIRRA_TOKEN: server.token };
    const result = await run(['welcome.scenario.md', '--runs=1', '--fixture=resend:transactional-busy', '--json'], correct, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [line] = jsonLines(result.stdout);
    expect(line.runs).toBe(1);
    const record = await client.getRun(line.runId, { expandScenario: true });
    expect(record.status).toBe('complete');
    expect(record.sessionId).toBe(line.sessionId);
    const scenario = (record as unknown as { scenario: { config: Record<string, unknown> } }).scenario;
    expect(scenario.config).toMatchObject({ runs: 1, fixture: 'resend:transactional-busy' });
    expect(scenario.config.fixtureFile).toBeUndefined();
    // The session was ephemeral and ended after the file.
    expect((await client.getSession(line.sessionId)).status).toBe('ended');
  }, T);
});
