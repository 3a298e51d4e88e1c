/**
 * What `mirra run` prints: live progress while Vitest runs (a TTY only), then per scenario
 * the per-run ✓/✗ blocks, the satisfaction score and the per-criterion breakdown — or one
 * JSON line per scenario (`--json`).
 */
import type { Reporter, ReportedHookContext, TestCase, TestModule, Vitest } from 'vitest/node';
import type { SerializedError } from 'vitest';
import type { CriterionResult } from '../evaluate/types.js';
import { gradedTests } from '../vitest/reporter.js';
import { satisfactionLine, summarize, type GradedTest, type ScenarioSummary } from '../vitest/results.js';
import type { MirraRunMeta } from '../vitest/scenario-runtime.js';

export interface RunReport {
  summaries: ScenarioSummary[];
  tests: GradedTest[];
  /** Failed tests that are not criteria (an invalid scenario module, a crash) and unhandled errors. */
  errors: string[];
  /** Scenario files (relative) that produced no graded criterion at all. */
  filesWithResults: Set<string>;
  provisioningFailures: string[];
}

/** Collects the results; prints live progress through `progress` (undefined: silent). */
export class RunReporter implements Reporter {
  report: RunReport | undefined;
  private vitest: Vitest | undefined;
  private readonly started = new Set<string>();

  constructor(private readonly progress?: (line: string) => void) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onHookStart(hook: ReportedHookContext): void {
    if (!this.progress || hook.name !== 'beforeAll' || hook.entity.type !== 'suite') return;
    const suite = hook.entity;
    const match = /^run (\d+)$/.exec(suite.name);
    if (!match || suite.parent.type !== 'suite') return;
    const runs = [...suite.parent.children].filter((c) => c.type === 'suite' && /^run \d+$/.test(c.name)).length;
    const key = `${suite.module.moduleId}:${suite.parent.name}`;
    if (!this.started.has(key)) {
      this.started.add(key);
      this.progress(`→ ${suite.parent.name} (${relativeId(this.vitest, suite.module.moduleId)})`);
    }
    this.progress(`→ run ${match[1]}/${runs}`);
  }

  onTestCaseResult(test: TestCase): void {
    if (!this.progress) return;
    const meta = test.meta().mirra;
    const state = test.result().state;
    const mark = state === 'passed' ? '✓' : state === 'failed' ? '✗' : '–';
    this.progress(`  ${mark} ${meta ? `${meta.kind}: ${meta.criterion}` : test.name}`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const tests = gradedTests(modules);
    const errors: string[] = [];
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        if (test.meta().mirra) continue;
        const result = test.result();
        if (result.state === 'failed') errors.push(`${test.fullName}\n${(result.errors ?? []).map((e) => e.message).join('\n')}`);
      }
      for (const error of mod.errors()) errors.push(`${relativeId(this.vitest, mod.moduleId)}: ${error.message}`);
    }
    for (const error of unhandled) errors.push(`unhandled error: ${error.message}`);
    const provisioningFailures = [...new Set(tests.filter((t) => t.run?.provisioningFailed).map((t) => t.result.file ?? t.result.scenario))];
    this.report = {
      summaries: summarize(tests),
      tests,
      errors,
      filesWithResults: new Set(tests.map((t) => t.result.file ?? t.result.scenario)),
      provisioningFailures,
    };
  }
}

function relativeId(vitest: Vitest | undefined, id: string): string {
  const root = vitest?.config.root;
  return root && id.startsWith(`${root}/`) ? id.slice(root.length + 1) : id;
}

/** The human summary of one scenario (spec §2.6). */
export function formatScenario(summary: ScenarioSummary, tests: GradedTest[]): string[] {
  const mine = tests.filter((t) => (t.result.file ?? t.result.scenario) === summary.file);
  const lines: string[] = [];
  const ids = [summary.runId, summary.sessionId].filter(Boolean).join(' · ');
  lines.push(`${summary.title} (${summary.file}${ids ? ` · ${ids}` : ''})`);
  const byRun = new Map<number, GradedTest[]>();
  for (const t of mine) byRun.set(t.result.run, [...(byRun.get(t.result.run) ?? []), t]);
  for (let run = 1; run <= summary.runs; run++) {
    const list = (byRun.get(run) ?? []).sort((a, b) => (a.result.line ?? 0) - (b.result.line ?? 0));
    const meta = list.find((t) => t.run)?.run;
    const extra = meta ? ` · ${formatMs(meta.durationMs)}${meta.timedOut ? ' · timed out' : ''}` : '';
    lines.push(`→ run ${run}/${summary.runs}${extra}`);
    for (const t of list) lines.push(...criterionLines(t.result, t.state, t.run));
  }
  lines.push(`satisfaction score: ${satisfactionLine(summary)}`);
  lines.push('per-criterion breakdown:');
  const width = Math.max(...summary.criteria.map((c) => `${c.passed}/${c.total}`.length), 3);
  for (const c of summary.criteria) lines.push(`  ${(c.total === 0 ? '—' : `${c.passed}/${c.total}`).padStart(width)} ${c.kind.padEnd(5)} ${c.label}`);
  const notes: string[] = [];
  if (summary.timedOutRuns.length) notes.push(`timed out: run ${summary.timedOutRuns.join(', ')}`);
  if (summary.judgeCalls) notes.push(`judge cache: ${summary.cacheHits}/${summary.judgeCalls} hit${summary.cacheHits === 1 ? '' : 's'}`);
  if (summary.escalations) notes.push(`${summary.escalations} check(s) escalated to the judge`);
  if (notes.length) lines.push(notes.join(' · '));
  return lines;
}

function criterionLines(result: CriterionResult, state: GradedTest['state'], _run: MirraRunMeta | undefined): string[] {
  const graded = result.pass !== null && state !== 'skipped';
  const mark = !graded ? '–' : result.pass ? '✓' : '✗';
  const lines = [`  ${mark} ${result.kind}: ${result.criterion}${result.cached ? ' (cached)' : ''}`];
  if (!graded || !result.pass) {
    const explanation = (result.explanation || '').split('\n')[0]!.trim();
    if (explanation) lines.push(`      ${explanation.length > 200 ? `${explanation.slice(0, 199)}…` : explanation}`);
  }
  return lines;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)}s`;
}
