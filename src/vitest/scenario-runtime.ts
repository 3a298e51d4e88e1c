/**
 * Worker runtime of generated scenario modules. `describe('run k')`'s `beforeAll` executes
 * run k once (session, driver, settle, capture); each criterion test only grades the
 * capture, writes `task.meta.mirra`, annotates the judge's explanation, and fails with the
 * outcome's message. The run is recorded on the control plane (`GET /v1/runs/{id}`).
 */
import { inject, type TestContext } from 'vitest';
import type { CriterionGrade, MirraClient, Session } from '../client/index.js';
import type { CriterionResult, Evaluator, MirrorCapture, RunCapture } from '../evaluate/types.js';
import {
  closeScenarioSession,
  driverFromModule,
  executeRun,
  openScenarioSession,
  resetScenarioSession,
  resolveDriverPath,
  scenarioSessionSpec,
  type Driver,
} from '../runtime/index.js';
import type { ScenarioModuleData } from './codegen.js';
import { checkRegistry, evaluatorFromEnv, gradeCriterion, verdictCache } from './evaluation.js';
import { bridgeEvaluator } from './judge-bridge.js';
import { mirraLog } from './log.js';
import type { MirraWorkerConfig } from './options.js';
import { clientFor } from './session-state.js';

/** What each criterion test carries besides `task.meta.mirra` (for the reporter). */
export interface MirraRunMeta {
  runId?: string;
  sessionId?: string;
  /** Duration of this run (driver + settle + capture). */
  durationMs: number;
  timedOut: boolean;
  /** The run could not start because its session could not be created (or `--session` was unusable). */
  provisioningFailed?: boolean;
  runs: number;
  title: string;
  file: string;
}

declare module 'vitest' {
  interface TaskMeta {
    mirra?: CriterionResult;
    mirraRun?: MirraRunMeta;
  }
}

type Loader = (id: string) => Promise<unknown>;

/** Message every criterion of a run that could not be graded fails with. */
function runFailure(capture: RunCapture): string | undefined {
  if (capture.timedOut) return capture.error?.message ?? `run timed out after ${capture.scenario.config.timeout} s`;
  if (capture.error) return `run ${capture.run} failed: ${capture.error.message}`;
  return undefined;
}

export const NO_EVALUATOR_NOTE =
  "not graded: no judge configured. Pass one to withMirra({ judge: anthropic() }) (ANTHROPIC_API_KEY) or openai({ baseURL, apiKey }), or a module path exporting an Evaluator: withMirra({ judge: './mirra.judge.ts' }).";

export class ScenarioSuite {
  private readonly config: MirraWorkerConfig;
  private client: MirraClient | undefined;
  private session: Session | undefined;
  private runId: string | undefined;
  private driver: Promise<Driver> | undefined;
  private evaluator: Promise<Evaluator | undefined> | undefined;
  private checksLoaded: Promise<void> | undefined;
  private readonly registry = checkRegistry();
  private readonly captures = new Map<number, RunCapture>();
  private readonly grades = new Map<number, CriterionGrade[]>();
  private readonly metadataCache = new Map<string, Pick<MirrorCapture, 'displayName' | 'vocabulary'>>();
  private setupError: Error | undefined;
  /** Runs whose session could not be provisioned. */
  private readonly provisioningFailures = new Set<number>();
  /** True when the session came from `mirra run --session` (reset, never deleted). */
  private borrowed = false;
  private readonly log: (message: string) => void;

  constructor(
    private readonly data: ScenarioModuleData,
    private readonly load: Loader,
  ) {
    this.config = inject('mirraConfig');
    this.log = mirraLog(this.config?.quiet ?? true);
  }

  private get scenario() {
    return this.data.scenario;
  }

  /** Suite `beforeAll`: connect to the control plane. */
  async begin(): Promise<void> {
    try {
      const server = inject('mirraServer');
      if (!this.config || !server) throw new Error('mirra: the Vitest plugin is not configured (use withMirra() or plugins: [mirra()] in vitest.config).');
      this.client = clientFor(server);
    } catch (error) {
      this.setupError = error as Error;
    }
  }

  /** `describe('run k')` `beforeAll`: executes run k. Never throws; failures land in the capture. */
  async run(k: number): Promise<void> {
    const started = performance.now();
    const failed = (error: unknown): RunCapture => ({
      scenario: this.scenario,
      file: this.data.relFile,
      run: k,
      sessionId: this.session?.sessionId ?? '',
      mirrors: {},
      logs: [],
      error: { message: error instanceof Error ? error.message : String(error) },
      timedOut: false,
      durationMs: Math.round(performance.now() - started),
    });
    if (this.setupError || !this.client) {
      this.captures.set(k, failed(this.setupError ?? new Error('mirra: not connected')));
      return;
    }
    const client = this.client;
    try {
      if (!this.session) {
        const spec = await scenarioSessionSpec(this.scenario, this.data.file);
        if (this.data.sessionId) {
          this.session = await this.borrowSession(client, this.data.sessionId, spec);
        } else {
          this.session = await openScenarioSession(client, spec);
        }
        await this.createRunRecord(client, this.session);
      } else {
        await resetScenarioSession(client, this.session);
      }
    } catch (error) {
      this.provisioningFailures.add(k);
      this.captures.set(k, failed(error));
      return;
    }
    const capture = await executeRun({
      client,
      session: this.session,
      scenario: this.scenario,
      file: this.data.file,
      relFile: this.data.relFile,
      run: k,
      loadDriver: () => this.loadDriver(),
      setProcessEnv: this.config.proxyMode === 'env',
      metadataCache: this.metadataCache,
    });
    this.captures.set(k, capture);
  }

  /** One criterion test: returns `{ message }` to fail (thrown by the generated line), undefined to pass. */
  async criterion(context: TestContext, k: number, index: number): Promise<{ message: string } | undefined> {
    const criterion = this.scenario.criteria[index];
    const capture = this.captures.get(k);
    const base = { scenario: this.scenario.title, file: this.data.relFile, run: k, criterion: criterion.text, kind: criterion.tag, ...(criterion.line ? { line: criterion.line } : {}) };
    context.task.meta.mirraRun = {
      ...(this.runId ? { runId: this.runId } : {}),
      ...(this.session ? { sessionId: this.session.sessionId } : {}),
      durationMs: capture?.durationMs ?? 0,
      timedOut: capture?.timedOut ?? false,
      ...(this.provisioningFailures.has(k) ? { provisioningFailed: true } : {}),
      runs: this.scenario.config.runs,
      title: this.scenario.title,
      file: this.data.relFile,
    };
    let result: CriterionResult;
    const failure = capture ? runFailure(capture) : `run ${k} did not execute`;
    if (failure !== undefined || !capture) {
      result = { ...base, pass: false, explanation: failure ?? `run ${k} did not execute`, escalated: false, cached: false };
    } else {
      await this.loadChecks();
      const evaluator = await this.loadEvaluator();
      const cache = verdictCache(this.config.cache);
      result = await gradeCriterion({
        criterion,
        capture,
        registry: this.registry,
        ...(evaluator ? { evaluator } : {}),
        ...(cache ? { cache } : {}),
        model: this.scenario.config.judgeModel,
        signal: context.signal,
      });
    }
    context.task.meta.mirra = result;
    if (result.pass !== null) {
      const grades = this.grades.get(k) ?? [];
      grades.push({ label: criterion.text, kind: criterion.tag, passed: result.pass, explanation: result.explanation, escalated: result.escalated });
      this.grades.set(k, grades);
    }
    for (const warning of result.warnings ?? []) await context.annotate(warning, 'warning');
    if ((criterion.tag === 'judge' || result.escalated) && result.pass !== null && result.explanation) {
      await context.annotate(result.explanation, result.pass ? 'notice' : 'warning');
    }
    if (result.pass === null) context.skip(result.explanation || NO_EVALUATOR_NOTE);
    return result.pass ? undefined : { message: result.explanation };
  }

  /** `describe('run k')` `afterAll`: record run k's gradings. */
  async endRun(k: number): Promise<void> {
    const capture = this.captures.get(k);
    if (!this.client || !this.runId || !capture) return;
    try {
      await this.client.recordRunResults(this.runId, {
        run: k,
        criteria: this.grades.get(k) ?? [],
        status: capture.timedOut ? 'timed_out' : capture.error ? 'failed' : 'complete',
        durationMs: capture.durationMs,
        ...(capture.error ? { error: { message: capture.error.message } } : {}),
      });
    } catch (error) {
      this.log(`could not record run ${k} of ${this.data.relFile}: ${(error as Error).message}`);
    }
  }

  /** Suite `afterAll`: finish the run record and end the session. */
  async end(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const captures = [...this.captures.values()];
    if (this.runId) {
      try {
        await client.updateRun(this.runId, { status: captures.some((c) => c.timedOut) ? 'timed_out' : 'complete' });
      } catch (error) {
        this.log(`could not finish run record ${this.runId}: ${(error as Error).message}`);
      }
    }
    if (this.session) {
      const session = this.session;
      this.session = undefined;
      if (!this.borrowed) await closeScenarioSession(client, session).catch(() => undefined);
    }
  }

  /**
   * `mirra run --session`: an existing session that must have every mirror the scenario
   * needs. Run 1 resets it too (to the scenario's seed when it names one, else to the
   * session's own), so every run starts from a seed; it is never deleted.
   */
  private async borrowSession(client: MirraClient, idOrName: string, spec: Awaited<ReturnType<typeof scenarioSessionSpec>>): Promise<Session> {
    const session = await client.getSession(idOrName);
    if (session.status !== 'ready') throw new Error(`session ${session.sessionId} is ${session.status}, not ready`);
    const have = new Set(session.mirrors.map((m) => m.vendor));
    const missing = spec.mirrors.filter((m) => !have.has(m));
    if (missing.length > 0) throw new Error(`session ${session.sessionId} has no ${missing.join(', ')} mirror (it has ${[...have].join(', ') || 'none'})`);
    await client.resetSession(session.sessionId, Object.keys(spec.seeds).length ? { seeds: spec.seeds } : {});
    this.borrowed = true;
    return session;
  }

  private async createRunRecord(client: MirraClient, session: Session): Promise<void> {
    try {
      const { file: _file, warnings: _warnings, ...scenario } = this.scenario;
      const run = await client.createRun({ scenario, file: this.data.relFile, sessionId: session.sessionId, runs: this.scenario.config.runs, meta: { source: 'vitest' } });
      this.runId = run.runId;
    } catch (error) {
      this.log(`could not record ${this.data.relFile} on the control plane: ${(error as Error).message}`);
    }
  }

  private loadDriver(): Promise<Driver> {
    this.driver ??= (async () => {
      const resolved = resolveDriverPath({
        scenarioFile: this.data.file,
        ...(this.scenario.config.driver ? { configDriver: this.scenario.config.driver } : {}),
        ...(this.config.driver ? { optionDriver: this.config.driver } : {}),
        root: this.config.root,
        relFile: this.data.relFile,
      });
      return driverFromModule(await this.load(resolved.path), resolved.path);
    })();
    return this.driver;
  }

  private loadChecks(): Promise<void> {
    this.checksLoaded ??= (async () => {
      for (const file of this.config.checks) await this.load(file);
    })();
    return this.checksLoaded;
  }

  private loadEvaluator(): Promise<Evaluator | undefined> {
    this.evaluator ??= (async () => {
      const judge = this.config.judge;
      if (!judge) return undefined;
      if (judge.kind === 'env') return evaluatorFromEnv();
      if (judge.kind === 'bridge') {
        const ref = inject('mirraJudgeBridge');
        return ref ? bridgeEvaluator(ref) : undefined;
      }
      const mod = (await this.load(judge.path)) as Record<string, unknown>;
      let candidate = mod.default ?? mod.evaluator ?? mod.judge;
      if (typeof candidate === 'function') candidate = await (candidate as () => unknown)();
      if (!candidate || typeof (candidate as Evaluator).judge !== 'function') {
        throw new Error(`mirra: the judge module ${judge.path} must export an Evaluator ({ name, judge(input, signal) }) as its default export.`);
      }
      return candidate as Evaluator;
    })();
    return this.evaluator;
  }
}

export function createScenarioSuite(data: ScenarioModuleData, load: Loader): ScenarioSuite {
  return new ScenarioSuite(data, load);
}
