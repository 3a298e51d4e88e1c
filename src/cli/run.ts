import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'vite';
import { MirraApiError, MirraClient, type Session } from '../client/index.js';
import { loadFixtureCatalog, MIRROR_CATALOG, parseScenario, ScenarioError, suggest, type Scenario } from '../scenario/index.js';
import type { MirraOptions } from '../vitest/options.js';
import { setRunOverrides, type RunOverrides } from '../vitest/run-overrides.js';
import { resultEntry } from '../vitest/results.js';
import { CliError } from './cli-error.js';
import { fromClientError } from './client-error.js';
import { readState, remoteFromEnv } from './control-plane.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { defaultIo, type Io } from './io.js';
import { parseFlags } from './parse-flags.js';
import { formatMs, formatScenario, RunReporter, type RunReport } from './run-report.js';
import { expandScenarioPaths } from './scenario-paths.js';
import { UsageError } from './usage-error.js';

export const runHelp = `Usage: mirra run <file-or-glob>... [--runs=N] [--session=<id-or-name>] [--fixture=<mirror>:<name>]
                 [--timeout=90s] [--driver=path] [--fail-below=0.9] [--json] [--quiet]

Run scenario files through Vitest with the mirra plugin (your vitest.config is used when
there is one) and score their criteria. Flags override each scenario's ## Config.
Every file is validated first; an invalid one stops the command before anything runs.

Options:
  --runs=N                runs per scenario (each from the seed)
  --session=<id-or-name>  run in this existing session (e.g. from \`mirra up\`) instead of a
                          new one; it must have every mirror the scenarios need; it is reset
                          to the scenario's seed before each run and never ended
  --fixture=<m>:<name>    seed the <m> mirror with this built-in fixture (replaces the
                          scenario's fixture: and fixture-file: for that mirror)
  --timeout=<duration>    per-run timeout: 90s, 2m, or seconds (default: the scenario's, 60s)
  --driver=<path>         driver module for every scenario (wins over driver: and siblings)
  --fail-below=<0..1>     exit 1 only when a scenario's satisfaction score is below this
                          (default: any failed criterion exits 1)
  --json                  one JSON line per scenario on stdout, nothing else
  --quiet                 no live progress; the summary (or JSON) still prints
  -h, --help              show this help

Exit codes: 0 passed, 1 failed criteria / below --fail-below, 2 a run timed out,
3 a mirror could not be provisioned, 4 a scenario file is invalid, 64 usage.
When several apply the highest in this order wins: 64, 4, 3, 2, 1.`;

export const MAX_RUNS = 100;

export async function runCommand(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      runs: { type: 'string' },
      session: { type: 'string' },
      fixture: { type: 'string' },
      timeout: { type: 'string' },
      driver: { type: 'string' },
      'fail-below': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    runHelp,
  );
  if (values.help) {
    io.out(runHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('mirra run needs at least one scenario file or glob.', runHelp);
  const overrides: RunOverrides = {};
  if (values.runs !== undefined) {
    const runs = Number(values.runs);
    if (!/^\d+$/.test(values.runs) || runs < 1 || runs > MAX_RUNS) throw new UsageError(`--runs must be a whole number from 1 to ${MAX_RUNS}, got '${values.runs}'.`, runHelp);
    overrides.runs = runs;
  }
  if (values.timeout !== undefined) {
    const seconds = parseDuration(values.timeout);
    if (seconds === undefined) throw new UsageError(`--timeout must be a duration such as 90s, 2m or 1h, got '${values.timeout}'.`, runHelp);
    overrides.timeout = seconds;
  }
  let failBelow: number | undefined;
  if (values['fail-below'] !== undefined) {
    failBelow = Number(values['fail-below']);
    if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(values['fail-below']) || !(failBelow >= 0 && failBelow <= 1)) {
      throw new UsageError(`--fail-below must be a number from 0 to 1 (e.g. 0.9), got '${values['fail-below']}'.`, runHelp);
    }
  }
  if (values.fixture !== undefined) overrides.fixture = parseFixtureFlag(values.fixture);
  if (values.driver !== undefined) {
    const driver = path.resolve(values.driver);
    if (!existsSync(driver) || !statSync(driver).isFile()) throw new UsageError(`--driver: no such file: ${values.driver}`, runHelp);
    overrides.driver = driver;
  }
  if (values.session !== undefined) {
    if (values.session.trim() === '') throw new UsageError('--session must not be empty.', runHelp);
    overrides.sessionId = values.session;
  }

  const files = await expandScenarioPaths(positionals);
  if (files.length === 0) throw new UsageError(`No scenario files match ${positionals.join(' ')}.`, runHelp);

  // 4: every file must be valid before anything runs.
  const scenarios = new Map<string, Scenario>();
  let invalid = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    try {
      scenarios.set(file, parseScenario(await readFile(file, 'utf8'), { file: shown }));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      invalid++;
      for (const issue of error.issues.length ? error.issues : [error]) {
        io.err(`${shown}:${issue.line ?? 1}:${issue.column ?? 1} ${issue.code} ${issue.message}`);
        if (issue.hint) io.err(`  ${issue.hint}`);
      }
    }
  }
  if (invalid > 0) {
    io.err(`${invalid} of ${files.length} scenario file(s) invalid; nothing was run.`);
    return EXIT.invalidScenario;
  }
  if (overrides.fixture) {
    const mirror = overrides.fixture.split(':')[0]!;
    if (![...scenarios.values()].some((s) => s.config.mirrors.includes(mirror))) {
      throw new UsageError(`--fixture=${overrides.fixture}: none of the scenarios uses the ${mirror} mirror.`, runHelp);
    }
  }

  const live = !values.json && !values.quiet && process.stdout.isTTY === true;
  const progress = live ? (line: string) => io.err(line) : undefined;

  // The control plane: remote (env), the `mirra up` one for --session, else embedded.
  const remote = remoteFromEnv();
  const state = readState();
  let apiUrl: string;
  let token: string;
  let embedded: { close(): Promise<void> } | undefined;
  if (remote) {
    ({ url: apiUrl, token } = remote);
  } else if (overrides.sessionId && state?.token) {
    apiUrl = state.apiUrl;
    token = state.token;
  } else {
    const started = performance.now();
    const { startServer } = await import('../server/index.js');
    try {
      const server = await startServer({ rateLimit: 1_000_000, log: (m) => (values.quiet || values.json ? undefined : io.err(m)) });
      ({ url: apiUrl, token } = server);
      embedded = server;
    } catch (error) {
      throw new CliError(`the embedded control plane could not start: ${error instanceof Error ? error.message : String(error)}`, EXIT.provisioningFailed, 'Run `mirra doctor`.');
    }
    progress?.(`→ control plane ready at ${apiUrl} in ${formatMs(Math.round(performance.now() - started))}`);
  }
  const client = new MirraClient({ baseUrl: apiUrl, token, retry: { retries: 1 } });
  const saved = { url: process.env.MIRRA_API_URL, token: process.env.MIRRA_TOKEN };
  try {
    // 3: what cannot be provisioned is found before Vitest starts.
    await preflight(client, apiUrl, [...scenarios.values()], overrides.sessionId, progress);

    // The plugin's global setup uses MIRRA_API_URL/MIRRA_TOKEN: point it at this control plane.
    process.env.MIRRA_API_URL = apiUrl;
    process.env.MIRRA_TOKEN = token;
    setRunOverrides({ ...overrides, files });
    progress?.(`→ running ${files.length} scenario file${files.length === 1 ? '' : 's'} with Vitest`);
    const report = await runVitest(files, progress);
    return finish(report, { io, json: values.json === true, failBelow, files, apiUrl, remote: embedded === undefined });
  } catch (error) {
    throw fromClientError(error, apiUrl, EXIT.provisioningFailed);
  } finally {
    setRunOverrides(undefined);
    restoreEnv('MIRRA_API_URL', saved.url);
    restoreEnv('MIRRA_TOKEN', saved.token);
    await client.close().catch(() => undefined);
    await embedded?.close();
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function parseFixtureFlag(value: string): string {
  const match = /^([a-z][a-z0-9-]*):([A-Za-z0-9._-]+)$/.exec(value.trim());
  if (!match) throw new UsageError(`--fixture must be <mirror>:<name> (e.g. resend:transactional-busy), got '${value}'.`, runHelp);
  const [, mirror, name] = match as unknown as [string, string, string];
  if (!(MIRROR_CATALOG as readonly string[]).includes(mirror)) throw new UsageError(`--fixture: unknown mirror '${mirror}' (known: ${MIRROR_CATALOG.join(', ')}).`, runHelp);
  const names = loadFixtureCatalog()[mirror] ?? [];
  if (!names.includes(name)) {
    const close = suggest(name, [...names]);
    throw new UsageError(`--fixture: the ${mirror} mirror has no fixture '${name}'.${close ? ` Did you mean '${mirror}:${close}'?` : ''} Fixtures: ${names.join(', ') || 'none'}.`, runHelp);
  }
  return `${mirror}:${name}`;
}

/** Every mirror the scenarios need is served; `--session` exists, is ready and has them. */
async function preflight(client: MirraClient, apiUrl: string, scenarios: Scenario[], sessionId: string | undefined, progress?: (line: string) => void): Promise<void> {
  const needed = [...new Set(scenarios.flatMap((s) => s.config.mirrors))];
  let served: Set<string>;
  try {
    served = new Set((await client.catalog()).data.map((m) => m.name));
  } catch (error) {
    throw fromClientError(error, apiUrl, EXIT.provisioningFailed);
  }
  for (const scenario of scenarios) {
    const missing = scenario.config.mirrors.filter((m) => !served.has(m));
    if (missing.length) {
      throw new CliError(
        `${scenario.file}: the ${missing.join(', ')} mirror${missing.length > 1 ? 's are' : ' is'} not available on this control plane (it serves ${[...served].join(', ') || 'none'}).`,
        EXIT.provisioningFailed,
      );
    }
  }
  if (!sessionId) {
    progress?.(`→ mirrors: ${needed.join(', ')}`);
    return;
  }
  let session: Session;
  try {
    session = await client.getSession(sessionId);
  } catch (error) {
    if (error instanceof MirraApiError) throw new CliError(`--session=${sessionId}: ${error.message} [${error.code}]`, EXIT.provisioningFailed, error.hint);
    throw error;
  }
  if (session.status !== 'ready') throw new CliError(`--session=${sessionId}: session ${session.sessionId} is ${session.status}.`, EXIT.provisioningFailed);
  const have = new Set(session.mirrors.map((m) => m.vendor));
  const lacking = needed.filter((m) => !have.has(m));
  if (lacking.length) {
    throw new CliError(`--session=${sessionId}: session ${session.sessionId} has no ${lacking.join(', ')} mirror (it has ${[...have].join(', ')}).`, EXIT.provisioningFailed, 'Run the scenarios without --session, or `mirra up --mirrors=…` with every mirror they need.');
  }
  progress?.(`→ using session ${session.sessionId} (${[...have].join(', ')})`);
}

async function runVitest(files: string[], progress?: (line: string) => void): Promise<RunReport> {
  let vitestNode: typeof import('vitest/node');
  try {
    vitestNode = await import('vitest/node');
  } catch (error) {
    throw new CliError(`mirra run needs Vitest (>= 4.1): ${(error as Error).message}`, EXIT.software, 'npm install -D vitest');
  }
  const { mirra } = await import('../vitest/plugin.js');
  const reporter = new RunReporter(progress);
  const exitCode = process.exitCode;
  const vitest = await vitestNode.createVitest(
    'test',
    { root: process.cwd(), watch: false, reporters: [reporter], includeTaskLocation: true },
    { plugins: [cliPlugin(mirra, { quiet: true, resultFile: false })] },
  );
  try {
    await vitest.start(files);
  } finally {
    await vitest.close();
    process.exitCode = exitCode;
  }
  if (!reporter.report) throw new CliError('Vitest finished without reporting results.', EXIT.software);
  return reporter.report;
}

/**
 * The mirra plugin, unless the project's Vitest config already has one (withMirra() or
 * mirra()): then that one (and its options: judge, checks, driver…) is used, not a second.
 */
function cliPlugin(factory: (options: MirraOptions) => Plugin, options: MirraOptions): Plugin {
  const inner = factory(options) as Plugin & Record<string, unknown>;
  let active = true;
  const call = (hook: unknown, self: unknown, args: unknown[]): unknown => {
    const fn = typeof hook === 'function' ? hook : (hook as { handler?: unknown } | undefined)?.handler;
    return typeof fn === 'function' && active ? (fn as (...a: unknown[]) => unknown).apply(self, args) : undefined;
  };
  return {
    name: 'mirra:cli',
    enforce: 'pre',
    config(config, env) {
      if (pluginNames(config.plugins).includes('mirra')) active = false;
      return call(inner.config, this, [config, env]) as ReturnType<NonNullable<Extract<Plugin['config'], (...a: never[]) => unknown>>>;
    },
    configResolved(config) {
      return call(inner.configResolved, this, [config]) as void;
    },
    configureVitest(context) {
      return call(inner.configureVitest, this, [context]) as void;
    },
    transform(code, id) {
      return call(inner.transform, this, [code, id]) as ReturnType<Extract<NonNullable<Plugin['transform']>, (...a: never[]) => unknown>>;
    },
  };
}

function pluginNames(plugins: unknown): string[] {
  if (Array.isArray(plugins)) return plugins.flatMap(pluginNames);
  if (plugins && typeof plugins === 'object' && typeof (plugins as { name?: unknown }).name === 'string') return [(plugins as { name: string }).name];
  return [];
}

interface FinishOptions {
  io: Io;
  json: boolean;
  failBelow: number | undefined;
  files: string[];
  apiUrl: string;
  remote: boolean;
}

/** Prints the results and picks the exit code (precedence 3 > 2 > 1 > 0 here). */
function finish(report: RunReport, o: FinishOptions): number {
  const { io } = o;
  const relFiles = o.files.map((f) => path.relative(process.cwd(), f).split(path.sep).join('/'));
  const missing = relFiles.filter((f) => !report.filesWithResults.has(f));
  if (o.json) {
    for (const summary of report.summaries) io.out(JSON.stringify(resultEntry(summary)));
  } else {
    const blocks = report.summaries.map((s) => formatScenario(s, report.tests).join('\n'));
    io.out(blocks.join('\n\n'));
    for (const s of report.summaries) if (s.runId && o.remote) io.out(`run record: ${o.apiUrl}/v1/runs/${s.runId}`);
  }
  for (const error of report.errors) io.err(`error ${error}`);
  for (const file of missing) io.err(`error ${file}: no criterion was graded (see the errors above).`);

  const timedOut = report.summaries.some((s) => s.timedOutRuns.length > 0);
  const failed = report.summaries.some((s) => s.criteria.some((c) => c.passed < c.total));
  const below = report.summaries.filter((s) => s.satisfactionScore !== null && o.failBelow !== undefined && s.satisfactionScore < o.failBelow);
  let code: number = EXIT.ok;
  if (o.failBelow === undefined ? failed : below.length > 0) code = EXIT.belowThreshold;
  if (missing.length > 0 || report.errors.length > 0) code = Math.max(code, EXIT.belowThreshold);
  if (timedOut) code = EXIT.timedOut;
  if (report.provisioningFailures.length > 0) code = EXIT.provisioningFailed;
  if (!o.json) {
    const total = report.summaries.reduce((a, s) => ({ passed: a.passed + s.passed, graded: a.graded + s.graded }), { passed: 0, graded: 0 });
    const verdict =
      o.failBelow === undefined
        ? failed
          ? 'some criteria failed'
          : 'every graded criterion passed'
        : below.length
          ? `below --fail-below=${o.failBelow}: ${below.map((s) => `${s.file} ${s.satisfactionScore}`).join(', ')}`
          : `every scenario at or above --fail-below=${o.failBelow}`;
    const parts = [`${report.summaries.length} scenario${report.summaries.length === 1 ? '' : 's'}`, `${total.passed}/${total.graded} criteria passed`, verdict];
    if (timedOut) parts.push('a run timed out');
    if (report.provisioningFailures.length) parts.push(`provisioning failed: ${report.provisioningFailures.join(', ')}`);
    io.out(`\n${parts.join(' · ')} → exit ${code}`);
  }
  return code;
}
