/**
 * Per-scenario aggregation of criterion results (from `task.meta`) into the matrix and the
 * `mirra-result.json` entry. Pure: the reporter feeds it, tests call it directly.
 */
import type { CriterionResult } from '../evaluate/types.js';
import type { MirraRunMeta } from './scenario-runtime.js';

export interface CriterionRow {
  label: string;
  kind: 'check' | 'judge';
  line?: number;
  /** Index = run - 1: true passed, false failed, null not graded / not run. */
  cells: Array<boolean | null>;
  passed: number;
  /** Graded runs. */
  total: number;
}

export interface ScenarioSummary {
  file: string;
  title: string;
  runId?: string;
  sessionId?: string;
  runs: number;
  criteria: CriterionRow[];
  passed: number;
  graded: number;
  /** passed / graded, 4 decimals; null when nothing was graded. */
  satisfactionScore: number | null;
  judgeCalls: number;
  cacheHits: number;
  escalations: number;
  timedOutRuns: number[];
  durationMs: number;
}

/** The `mirra-result.json` entry (spec §2.6 shape). */
export interface MirraResultEntry {
  runId: string | null;
  scenario: string;
  sessionId: string | null;
  runs: number;
  satisfactionScore: number | null;
  criteria: Array<{ label: string; kind: 'check' | 'judge'; passed: number; total: number }>;
  durationMs: number;
}

export interface GradedTest {
  result: CriterionResult;
  run?: MirraRunMeta;
  /** The test's own state: a skipped test is not graded. */
  state?: 'passed' | 'failed' | 'skipped' | 'pending';
}

export function summarize(tests: GradedTest[]): ScenarioSummary[] {
  const byFile = new Map<string, GradedTest[]>();
  for (const t of tests) {
    const key = t.result.file ?? t.result.scenario;
    const list = byFile.get(key) ?? [];
    list.push(t);
    byFile.set(key, list);
  }
  const out: ScenarioSummary[] = [];
  for (const [file, list] of byFile) {
    const runs = Math.max(...list.map((t) => t.run?.runs ?? t.result.run), 1);
    const rows = new Map<string, CriterionRow>();
    const runDurations = new Map<number, number>();
    const timedOut = new Set<number>();
    let judgeCalls = 0;
    let cacheHits = 0;
    let escalations = 0;
    for (const t of list) {
      const r = t.result;
      const key = `${r.line ?? ''}\u0000${r.kind}\u0000${r.criterion}`;
      let row = rows.get(key);
      if (!row) {
        row = { label: r.criterion, kind: r.kind, ...(r.line !== undefined ? { line: r.line } : {}), cells: Array.from({ length: runs }, () => null), passed: 0, total: 0 };
        rows.set(key, row);
      }
      const graded = r.pass !== null && t.state !== 'skipped';
      row.cells[r.run - 1] = graded ? r.pass : null;
      if (graded) {
        row.total++;
        if (r.pass) row.passed++;
      }
      if ((r.kind === 'judge' || r.escalated) && graded) {
        judgeCalls++;
        if (r.cached) cacheHits++;
      }
      if (r.escalated) escalations++;
      if (t.run) {
        runDurations.set(r.run, t.run.durationMs);
        if (t.run.timedOut) timedOut.add(r.run);
      }
    }
    const criteria = [...rows.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const passed = criteria.reduce((n, c) => n + c.passed, 0);
    const graded = criteria.reduce((n, c) => n + c.total, 0);
    const meta = list.find((t) => t.run)?.run;
    out.push({
      file,
      title: meta?.title ?? list[0].result.scenario,
      ...(meta?.runId ? { runId: meta.runId } : {}),
      ...(meta?.sessionId ? { sessionId: meta.sessionId } : {}),
      runs,
      criteria,
      passed,
      graded,
      satisfactionScore: graded ? Math.round((passed / graded) * 10_000) / 10_000 : null,
      judgeCalls,
      cacheHits,
      escalations,
      timedOutRuns: [...timedOut].sort((a, b) => a - b),
      durationMs: [...runDurations.values()].reduce((a, b) => a + b, 0),
    });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export function resultEntry(s: ScenarioSummary): MirraResultEntry {
  return {
    runId: s.runId ?? null,
    scenario: s.file,
    sessionId: s.sessionId ?? null,
    runs: s.runs,
    satisfactionScore: s.satisfactionScore,
    criteria: s.criteria.map((c) => ({ label: c.label, kind: c.kind, passed: c.passed, total: c.total })),
    durationMs: s.durationMs,
  };
}

/** `87% (26/30 criteria passed across 5 runs)`. */
export function satisfactionLine(s: ScenarioSummary): string {
  const pct = s.graded ? `${Math.round((s.passed / s.graded) * 100)}%` : '—';
  return `${pct} (${s.passed}/${s.graded} criteria passed across ${s.runs} run${s.runs === 1 ? '' : 's'})`;
}
