/**
 * End to end: Vitest run programmatically on fixture projects that use withMirra().
 * The "correct" fixture runs against a control plane started here (MIRRA_API_URL +
 * MIRRA_TOKEN), so the test can read the recorded runs afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MirraClient } from '../../src/client/index.js';
import { startServer, type MirraServer } from '../../src/server/index.js';
import MirraReporter from '../../src/vitest/reporter.js';
import { errorOf, fixtureRoot, fixtureVitest, runFixture, states, type FixtureRun } from './run-fixture.js';

const WELCOME = 'Send Welcome Email on Signup';
const WELCOME_CHECKS = [
  'check: Exactly 1 email is created in the Resend mirror',
  'check: The email’s `from` includes `hello@mail.acme.com`',
  'check: The email’s `to` includes `alice@example.com`',
  'check: At least 1 `email.delivered` webhook was received by the handler',
  'check: The webhook signature was verified',
];
const WELCOME_JUDGE = 'judge: The subject line is friendly and on-brand';

describe('a correct app', () => {
  let server: MirraServer;
  let run: FixtureRun;
  const out: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'mirra-e2e-'));
  const resultFile = path.join(dir, 'mirra-result.json');
  const reporter = new MirraReporter({ outputFile: resultFile, write: (text) => out.push(text) });

  beforeAll(async () => {
    server = await startServer({ log: () => {} });
    process.env.MIRRA_API_URL = server.url;
    process.env.MIRRA_TOKEN = server.token;
    run = await runFixture('correct', { reporters: [reporter] });
  }, 60_000);
  afterAll(async () => {
    delete process.env.MIRRA_API_URL;
    delete process.env.MIRRA_TOKEN;
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes every check in every run; judges without an evaluator are skipped with a note', () => {
    const expected: Record<string, string> = {};
    for (const runName of ['run 1', 'run 2']) {
      for (const check of WELCOME_CHECKS) expected[`${WELCOME} > ${runName} > ${check}`] = 'passed';
      expected[`${WELCOME} > ${runName} > ${WELCOME_JUDGE}`] = 'skipped';
    }
    expected['Bounce Is Recorded > run 1 > check: Exactly 1 email is created in the Resend mirror'] = 'passed';
    expected['Bounce Is Recorded > run 1 > check: At least 1 `email.sent` webhook was received by the handler'] = 'passed';
    expected['unit tests keep running beside scenarios'] = 'passed';
    expect(states(run)).toEqual(expected);
    const judge = run.byName.get(`${WELCOME} > run 1 > ${WELCOME_JUDGE}`)!;
    const result = judge.result();
    expect(result.state === 'skipped' && result.note).toBe(
      'not graded: no judge is configured; configure a judge with withMirra({ judge: anthropic() }) (or openai(), or defineEvaluator(...)), or set ANTHROPIC_API_KEY',
    );
  });

  test('task.meta.mirra carries the graded criterion; runtime locations are the .md lines', () => {
    const check = run.byName.get(`${WELCOME} > run 2 > ${WELCOME_CHECKS[0]}`)!;
    expect(check.meta().mirra).toMatchObject({
      scenario: WELCOME,
      file: 'welcome.scenario.md',
      run: 2,
      criterion: 'Exactly 1 email is created in the Resend mirror',
      kind: 'check',
      pass: true,
      escalated: false,
      cached: false,
      line: 14,
    });
    const lines = run.tests.filter((t) => t.fullName.startsWith(`${WELCOME} > run 1`)).map((t) => t.location?.line);
    expect(lines).toEqual([14, 15, 16, 17, 18, 19]);
    const bounce = run.tests.filter((t) => t.fullName.startsWith('Bounce')).map((t) => t.location?.line);
    expect(bounce).toEqual([7, 8]);
  });

  test('each scenario is recorded as a run on the control plane', async () => {
    const client = new MirraClient({ baseUrl: server.url, token: server.token });
    const runId = run.byName.get(`${WELCOME} > run 1 > ${WELCOME_CHECKS[0]}`)!.meta().mirraRun!.runId!;
    const recorded = await client.getRun(runId);
    expect(recorded.status).toBe('complete');
    expect(recorded.runs).toBe(2);
    expect(recorded.results.map((r) => r.run)).toEqual([1, 2]);
    expect(recorded.criteria).toEqual([
      { label: 'Exactly 1 email is created in the Resend mirror', kind: 'check', passed: 2, total: 2 },
      { label: "The email's `from` includes `hello@mail.acme.com`", kind: 'check', passed: 2, total: 2 },
      { label: "The email's `to` includes `alice@example.com`", kind: 'check', passed: 2, total: 2 },
      { label: 'At least 1 `email.delivered` webhook was received by the handler', kind: 'check', passed: 2, total: 2 },
      { label: 'The webhook signature was verified', kind: 'check', passed: 2, total: 2 },
      { label: 'The subject line is friendly and on-brand', kind: 'judge', passed: 0, total: 0 },
    ]);
    expect(recorded.satisfactionScore).toBe(1);
    // The session of a scenario file ends with it.
    const session = await client.getSession(recorded.sessionId!);
    expect(session.status).toBe('ended');
  });

  test('the reporter prints the runs × criteria matrix and writes mirra-result.json', () => {
    const text = out.join('\n').replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toContain(`${WELCOME} (welcome.scenario.md · run_`);
    expect(text).toContain('satisfaction score: 100% (10/10 criteria passed across 2 runs)');
    expect(text).toMatch(/✓ check: Exactly 1 email is created in the Resend mirror\s+✓ {3}✓ {2}2\/2/);
    expect(text).toMatch(/– judge: The subject line is friendly and on-brand\s+– {3}– {2}—/);
    const lines = readFileSync(resultFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.scenario)).toEqual(['scenarios/bounce.md', 'welcome.scenario.md']);
    const welcome = lines[1];
    expect(welcome).toMatchObject({ scenario: 'welcome.scenario.md', runs: 2, satisfactionScore: 1 });
    expect(welcome.runId).toMatch(/^run_/);
    expect(welcome.sessionId).toMatch(/^ses_/);
    expect(typeof welcome.durationMs).toBe('number');
    expect(welcome.criteria).toEqual([
      { label: 'Exactly 1 email is created in the Resend mirror', kind: 'check', passed: 2, total: 2 },
      { label: "The email's `from` includes `hello@mail.acme.com`", kind: 'check', passed: 2, total: 2 },
      { label: "The email's `to` includes `alice@example.com`", kind: 'check', passed: 2, total: 2 },
      { label: 'At least 1 `email.delivered` webhook was received by the handler', kind: 'check', passed: 2, total: 2 },
      { label: 'The webhook signature was verified', kind: 'check', passed: 2, total: 2 },
      { label: 'The subject line is friendly and on-brand', kind: 'judge', passed: 0, total: 0 },
    ]);
  });
});

describe('static discovery (VS Code explorer, vitest list)', () => {
  test('experimental_parseSpecifications finds every criterion on its .md line, with runtime names', async () => {
    const vitest = await fixtureVitest('correct');
    try {
      const specs = await vitest.globTestSpecifications();
      const files = specs.map((s) => path.relative(fixtureRoot('correct'), s.moduleId)).sort();
      expect(files).toEqual(['scenarios/bounce.md', 'unit/math.spec.ts', 'welcome.scenario.md']);
      // Vitest 5 renamed it `parseSpecifications` (the old name warns); 4.1 has only the old one.
      const v = vitest as typeof vitest & { parseSpecifications?: typeof vitest.experimental_parseSpecifications };
      const parse = (v.parseSpecifications ?? v.experimental_parseSpecifications).bind(vitest);
      const modules = await parse(specs.filter((s) => s.moduleId.endsWith('welcome.scenario.md')));
      const found = modules.flatMap((m) => [...m.children.allTests()]).map((t) => [t.fullName, t.location?.line]);
      const expected: Array<[string, number]> = [];
      for (const runName of ['run 1', 'run 2']) {
        [...WELCOME_CHECKS, WELCOME_JUDGE].forEach((name, i) => expected.push([`${WELCOME} > ${runName} > ${name}`, 14 + i]));
      }
      expect(found).toEqual(expected);
      const suites = modules.flatMap((m) => [...m.children.allSuites()]).map((s) => [s.fullName, s.location?.line]);
      expect(suites).toEqual([
        [WELCOME, 1],
        [`${WELCOME} > run 1`, 13],
        [`${WELCOME} > run 2`, 13],
      ]);
    } finally {
      await vitest.close();
    }
  });
});

describe('an invalid scenario file', () => {
  test('becomes one failing test that shows the ScenarioError with file:line; the rest still runs', async () => {
    const run = await runFixture('invalid');
    expect(states(run)).toEqual({
      'bad.scenario.md: invalid scenario': 'failed',
      'a unit test beside an invalid scenario': 'passed',
    });
    const failing = run.byName.get('bad.scenario.md: invalid scenario')!;
    expect(errorOf(failing)).toBe(
      [
        'Invalid scenario bad.scenario.md (1 problem):',
        "  bad.scenario.md:11:1: Invalid timeout: 'soon' is not a positive whole number. [mirra.scenario.invalid_config]",
        "    hint: The timeout is a whole number of seconds per run, e.g. 'timeout: 90'.",
      ].join('\n'),
    );
    expect(failing.location?.line).toBe(11);
    const error = failing.result().errors![0] as { name?: string; stack?: string };
    expect(error.name).toBe('ScenarioError');
    expect(error.stack).toContain('bad.scenario.md:11:');
  });
});
