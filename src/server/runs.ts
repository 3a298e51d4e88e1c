import type { Scenario } from '../scenario/types.js';
import { ApiError, errors } from './errors.js';
import type { EventBus } from './events.js';
import { uniqueId } from './ids.js';
import { checkFields } from './json-body.js';
import type { RunRecord, Store, Page } from './store.js';
import type { SessionManager } from './sessions.js';
import { forbidden } from './auth.js';

export const RUN_STATUSES = ['queued', 'running', 'complete', 'failed', 'timed_out'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
const TERMINAL = new Set<string>(['complete', 'failed', 'timed_out']);

export interface CriterionGrade {
  label: string;
  kind: 'check' | 'judge';
  passed: boolean;
  explanation?: string;
  score?: number;
  escalated?: boolean;
}

/**
 * Runs: `POST /v1/runs` stores a validated scenario as a `queued` run. A
 * runner (the CLI, the Vitest integration, a custom driver) moves it along
 * with `PATCH /v1/runs/{id}` and records each run's gradings with
 * `POST /v1/runs/{id}/results`; the server keeps the aggregates (per-criterion
 * passed/total, satisfaction score) and streams `evaluation.criterion_graded`.
 */
export class RunService {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionManager,
    private readonly bus: EventBus,
  ) {}

  async create(workspace: string, body: Record<string, unknown>): Promise<RunRecord> {
    checkFields(body, {
      scenario: { type: 'object' },
      scenarioMarkdown: { type: 'string' },
      sessionId: { type: 'string' },
      file: { type: 'string' },
      runs: { type: 'integer' },
      meta: { type: 'object' },
    });
    if (body.scenario !== undefined && body.scenarioMarkdown !== undefined) {
      throw new ApiError(400, 'mirra.run.conflicting_scenario', "Send either 'scenario' or 'scenarioMarkdown', not both.", 'Use scenarioMarkdown for raw markdown, scenario for the parsed JSON.');
    }
    if (body.scenario === undefined && body.scenarioMarkdown === undefined) {
      throw new ApiError(400, 'mirra.run.scenario_required', "A run needs 'scenario' or 'scenarioMarkdown'.", 'Send {"scenarioMarkdown":"# Title\\n..."} or the parsed scenario JSON.', { field: 'scenario' });
    }
    const file = body.file as string | undefined;
    // Loaded on first use: `mirra serve` starts without the markdown toolchain.
    const { parseScenario, validateScenario } = await import('../scenario/index.js');
    let scenario: Scenario;
    try {
      scenario =
        body.scenarioMarkdown !== undefined
          ? parseScenario(body.scenarioMarkdown as string, file !== undefined ? { file } : {})
          : validateScenario(body.scenario);
    } catch (err) {
      throw scenarioApiError(err);
    }
    let sessionId: string | null = null;
    if (body.sessionId !== undefined) sessionId = this.sessions.resolve(workspace, body.sessionId as string).id;
    const runs = (body.runs as number | undefined) ?? scenario.config?.runs ?? 1;
    if (runs < 1 || runs > 1000) throw errors.invalidValue('runs', 'runs must be between 1 and 1000.', 'The spec recommends 3 (2 to 5).');
    const now = Date.now();
    const iso = new Date(now).toISOString();
    const record: RunRecord = {
      id: uniqueId('run', 6, (c) => this.store.runExists(c)),
      workspace,
      sessionId,
      status: 'queued',
      scenario: scenario as unknown as Record<string, unknown>,
      file: file ?? scenario.file ?? null,
      createdAt: iso,
      createdMs: now,
      updatedAt: iso,
      startedAt: null,
      completedAt: null,
      satisfactionScore: null,
      runs,
      criteria: (scenario.criteria ?? []).map((c) => ({ label: c.text, kind: c.tag, passed: 0, total: 0 })),
      results: [],
      durationMs: null,
      error: null,
      meta: (body.meta as Record<string, unknown> | undefined) ?? {},
    };
    this.store.saveRun(record);
    return record;
  }

  get(workspace: string, id: string): RunRecord {
    const run = /^run_[a-z0-9]{1,32}$/.test(id) ? this.store.getRun(id) : undefined;
    if (!run) throw errors.notFound('run', id.slice(0, 100));
    if (run.workspace !== workspace) throw forbidden();
    return run;
  }

  list(workspace: string, q: { status?: string; sessionId?: string; limit: number; cursor?: { ms: number; id: string } }): Page<RunRecord> {
    return this.store.listRuns({ workspace, ...q });
  }

  /** `PATCH /v1/runs/{id}`: status transitions and (optionally) final aggregates. */
  update(workspace: string, id: string, body: Record<string, unknown>): RunRecord {
    checkFields(body, {
      status: { type: 'string' },
      sessionId: { type: 'string' },
      satisfactionScore: { type: 'number' },
      criteria: { type: 'any' },
      durationMs: { type: 'integer' },
      error: { type: 'object' },
      meta: { type: 'object' },
    });
    const run = this.get(workspace, id);
    if (TERMINAL.has(run.status)) {
      throw new ApiError(409, 'mirra.run.finished', `Run '${run.id}' is already ${run.status}.`, 'Create a new run; finished runs are immutable.');
    }
    const now = new Date();
    if (body.sessionId !== undefined) run.sessionId = this.sessions.resolve(workspace, body.sessionId as string).id;
    if (body.criteria !== undefined) run.criteria = parseAggregates(body.criteria);
    if (body.satisfactionScore !== undefined) {
      const s = body.satisfactionScore as number;
      if (s < 0 || s > 1) throw errors.invalidValue('satisfactionScore', 'satisfactionScore must be between 0 and 1.', 'It is passed ÷ total across runs, e.g. 0.87.');
      run.satisfactionScore = s;
    } else if (body.criteria !== undefined) run.satisfactionScore = score(run.criteria);
    if (body.error !== undefined) run.error = body.error as Record<string, unknown>;
    if (body.meta !== undefined) run.meta = { ...run.meta, ...(body.meta as Record<string, unknown>) };
    if (body.status !== undefined) this.transition(run, body.status as string, now);
    if (body.durationMs !== undefined) {
      if ((body.durationMs as number) < 0) throw errors.invalidValue('durationMs', 'durationMs must not be negative.', 'Send the run duration in milliseconds.');
      run.durationMs = body.durationMs as number;
    }
    run.updatedAt = now.toISOString();
    this.store.saveRun(run);
    if (run.sessionId && TERMINAL.has(run.status)) {
      this.bus.publish(run.sessionId, 'session.lifecycle', { event: 'run_finished', runId: run.id, status: run.status, satisfactionScore: run.satisfactionScore });
    }
    return run;
  }

  /** `POST /v1/runs/{id}/results`: one run's criterion gradings. */
  recordResults(workspace: string, id: string, body: Record<string, unknown>): RunRecord {
    checkFields(body, {
      run: { type: 'integer', required: true },
      criteria: { type: 'any', required: true },
      status: { type: 'string' },
      durationMs: { type: 'integer' },
      error: { type: 'object' },
    });
    const run = this.get(workspace, id);
    if (TERMINAL.has(run.status)) {
      throw new ApiError(409, 'mirra.run.finished', `Run '${run.id}' is already ${run.status}.`, 'Record results before marking the run complete.');
    }
    const k = body.run as number;
    if (k < 1 || k > run.runs) throw errors.invalidValue('run', `run must be between 1 and ${run.runs}.`, 'Runs are numbered from 1.');
    const grades = parseGrades(body.criteria);
    const status = body.status as string | undefined;
    if (status !== undefined && !['complete', 'failed', 'timed_out'].includes(status)) {
      throw errors.invalidValue('status', `Invalid per-run status '${status.slice(0, 40)}'.`, "Use 'complete', 'failed' or 'timed_out'.");
    }
    const now = new Date();
    if (run.status === 'queued') this.transition(run, 'running', now);
    const entry = {
      run: k,
      status: status ?? 'complete',
      criteria: grades,
      ...(body.durationMs !== undefined ? { durationMs: body.durationMs } : {}),
      ...(body.error !== undefined ? { error: body.error } : {}),
      recordedAt: now.toISOString(),
    };
    run.results = [...(run.results as { run: number }[]).filter((r) => r.run !== k), entry].sort((a, b) => a.run - b.run);
    run.criteria = aggregate(run);
    run.satisfactionScore = score(run.criteria);
    run.updatedAt = now.toISOString();
    this.store.saveRun(run);
    if (run.sessionId) {
      for (const g of grades) {
        this.bus.publish(run.sessionId, 'evaluation.criterion_graded', { runId: run.id, run: k, label: g.label, kind: g.kind, passed: g.passed, ...(g.explanation ? { explanation: g.explanation } : {}) });
      }
    }
    return run;
  }

  private transition(run: RunRecord, next: string, now: Date): void {
    if (!(RUN_STATUSES as readonly string[]).includes(next)) {
      throw errors.invalidValue('status', `Unknown run status '${next.slice(0, 40)}'.`, `Use one of ${RUN_STATUSES.join(', ')}.`);
    }
    if (next === 'queued' && run.status !== 'queued') {
      throw new ApiError(409, 'mirra.run.invalid_transition', `Run '${run.id}' cannot go back from ${run.status} to queued.`, 'Runs move queued → running → complete | failed | timed_out.');
    }
    if (next === 'running' && !run.startedAt) run.startedAt = now.toISOString();
    if (TERMINAL.has(next)) {
      run.startedAt ??= run.createdAt;
      run.completedAt = now.toISOString();
      run.durationMs ??= now.getTime() - Date.parse(run.startedAt);
    }
    run.status = next;
  }

  view(run: RunRecord, expandScenario = false): Record<string, unknown> {
    const sc = run.scenario as { title?: unknown; file?: unknown };
    return {
      runId: run.id,
      status: run.status,
      scenario: expandScenario ? run.scenario : { title: sc.title, ...(run.file ? { file: run.file } : {}) },
      sessionId: run.sessionId,
      satisfactionScore: run.satisfactionScore,
      runs: run.runs,
      criteria: run.criteria,
      durationMs: run.durationMs,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      completedAt: run.completedAt,
      results: run.results,
      ...(run.error ? { error: run.error } : {}),
      meta: run.meta,
    };
  }
}

/** Per-criterion passed/total over every recorded run, in scenario order. */
function aggregate(run: RunRecord): RunRecord['criteria'] {
  const byLabel = new Map<string, RunRecord['criteria'][number]>();
  for (const c of (run.scenario as { criteria?: { text: string; tag: string }[] }).criteria ?? []) {
    if (!byLabel.has(c.text)) byLabel.set(c.text, { label: c.text, kind: c.tag, passed: 0, total: 0 });
  }
  for (const r of run.results as { criteria: CriterionGrade[] }[]) {
    for (const g of r.criteria) {
      let agg = byLabel.get(g.label);
      if (!agg) byLabel.set(g.label, (agg = { label: g.label, kind: g.kind, passed: 0, total: 0 }));
      agg.total++;
      if (g.passed) agg.passed++;
    }
  }
  return [...byLabel.values()];
}

/** Satisfaction = total passed ÷ total graded (spec §2.3); null before anything is graded. */
function score(criteria: RunRecord['criteria']): number | null {
  let passed = 0;
  let total = 0;
  for (const c of criteria) {
    passed += c.passed;
    total += c.total;
  }
  return total === 0 ? null : Math.round((passed / total) * 10_000) / 10_000;
}

function parseGrades(raw: unknown): CriterionGrade[] {
  if (!Array.isArray(raw)) throw errors.invalidType('criteria', 'an array of {label, kind, passed}', raw);
  return raw.map((g, i) => {
    const field = `criteria[${i}]`;
    if (g === null || typeof g !== 'object' || Array.isArray(g)) throw errors.invalidType(field, 'an object {label, kind, passed}', g);
    const o = g as Record<string, unknown>;
    checkFields(o, { label: { type: 'string', required: true }, kind: { type: 'string', required: true }, passed: { type: 'boolean', required: true }, explanation: { type: 'string' }, score: { type: 'number' }, escalated: { type: 'boolean' } }, `${field}.`);
    if (o.kind !== 'check' && o.kind !== 'judge') throw errors.invalidValue(`${field}.kind`, `${field}.kind must be 'check' or 'judge'.`, 'Use the criterion tag.');
    return o as unknown as CriterionGrade;
  });
}

function parseAggregates(raw: unknown): RunRecord['criteria'] {
  if (!Array.isArray(raw)) throw errors.invalidType('criteria', 'an array of {label, kind, passed, total}', raw);
  return raw.map((c, i) => {
    const field = `criteria[${i}]`;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw errors.invalidType(field, 'an object {label, kind, passed, total}', c);
    const o = c as Record<string, unknown>;
    checkFields(o, { label: { type: 'string', required: true }, kind: { type: 'string', required: true }, passed: { type: 'integer', required: true }, total: { type: 'integer', required: true } }, `${field}.`);
    if (o.kind !== 'check' && o.kind !== 'judge') throw errors.invalidValue(`${field}.kind`, `${field}.kind must be 'check' or 'judge'.`, 'Use the criterion tag.');
    if ((o.passed as number) < 0 || (o.total as number) < (o.passed as number)) throw errors.invalidValue(field, `${field} needs 0 ≤ passed ≤ total.`, 'passed counts the gradings that passed.');
    return { label: o.label as string, kind: o.kind, passed: o.passed as number, total: o.total as number };
  });
}

/** ScenarioError → 400 `mirra.scenario.<reason>` with the issue list. */
export function scenarioApiError(err: unknown): ApiError {
  if (err instanceof Error && err.name === 'ScenarioError') {
    const e = err as Error & { code: string; hint?: string; line?: number; column?: number; issues?: unknown[] };
    const code = String(e.code).startsWith('mirra.scenario.') ? String(e.code) : `mirra.scenario.${String(e.code)}`;
    return new ApiError(400, code, e.message, e.hint ?? 'See https://mirra.run/docs/scenarios for the scenario format.', {
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
      issues: e.issues ?? [],
    });
  }
  if (err instanceof ApiError) return err;
  return new ApiError(400, 'mirra.scenario.invalid_input', `The scenario could not be read: ${err instanceof Error ? err.message : String(err)}.`, 'See https://mirra.run/docs/scenarios for the scenario format.');
}
