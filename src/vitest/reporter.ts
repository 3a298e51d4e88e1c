/**
 * `mirra/reporter`: after the run, prints each scenario's runs × criteria matrix (✓/✗/–,
 * passed/total per criterion, satisfaction score, judge cache hits) and writes
 * `mirra-result.json` (JSON Lines: one spec-shaped object per scenario; with one scenario
 * the file is a single JSON object).
 *
 *   reporters: ['default', 'mirra/reporter']
 *   reporters: ['default', ['mirra/reporter', { outputFile: 'reports/mirra.jsonl' }]]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { resultEntry, satisfactionLine, summarize, type GradedTest, type ScenarioSummary } from './results.js';
import { DEFAULT_RESULT_FILE } from './options.js';

export interface MirraReporterOptions {
  /** Result file, relative to the project root; false: none. Default `mirra-result.json`. */
  outputFile?: string | false;
  /** Where the matrix goes. Default: Vitest's logger (stdout). */
  write?: (text: string) => void;
  /** Print nothing (still writes the result file). */
  silent?: boolean;
}

const LABEL_WIDTH = 64;

function truncate(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

export function formatMatrix(s: ScenarioSummary, colors = pc): string {
  const lines: string[] = [];
  const ids = [s.runId, s.sessionId].filter(Boolean).join(' · ');
  lines.push(`${colors.bold(s.title)} ${colors.dim(`(${s.file}${ids ? ` · ${ids}` : ''})`)}`);
  const runHeads = Array.from({ length: s.runs }, (_, i) => `r${i + 1}`.padStart(4));
  lines.push(`    ${''.padEnd(LABEL_WIDTH + 7)}${runHeads.join('')}`);
  for (const c of s.criteria) {
    const mark = c.total === 0 ? colors.dim('–') : c.passed === c.total ? colors.green('✓') : colors.red('✗');
    const cells = c.cells.map((cell) => (cell === null ? colors.dim('–') : cell ? colors.green('✓') : colors.red('✗'))).map((x) => `   ${x}`);
    const count = c.total === 0 ? colors.dim('—') : `${c.passed}/${c.total}`;
    lines.push(`  ${mark} ${truncate(`${c.kind}: ${c.label}`, LABEL_WIDTH + 7)}${cells.join('')}  ${count}`);
  }
  const score = s.graded === 0 ? colors.dim(satisfactionLine(s)) : s.passed === s.graded ? colors.green(satisfactionLine(s)) : colors.yellow(satisfactionLine(s));
  const extras: string[] = [];
  if (s.judgeCalls > 0) extras.push(`judge cache: ${s.cacheHits}/${s.judgeCalls} hit${s.cacheHits === 1 ? '' : 's'}`);
  if (s.escalations > 0) extras.push(`${s.escalations} check(s) escalated to the judge`);
  if (s.timedOutRuns.length > 0) extras.push(colors.red(`timed out: run ${s.timedOutRuns.join(', ')}`));
  lines.push(`  satisfaction score: ${score}${extras.length ? colors.dim(` · ${extras.join(' · ')}`) : ''}`);
  return lines.join('\n');
}

/** Collects every test with `task.meta.mirra` from the finished modules. */
export function gradedTests(testModules: ReadonlyArray<TestModule>): GradedTest[] {
  const out: GradedTest[] = [];
  for (const mod of testModules) {
    for (const test of mod.children.allTests()) {
      const meta = test.meta();
      if (!meta.mirra) continue;
      out.push({ result: meta.mirra, ...(meta.mirraRun ? { run: meta.mirraRun } : {}), state: test.result().state });
    }
  }
  return out;
}

export default class MirraReporter implements Reporter {
  private vitest: Vitest | undefined;
  /** Summaries of the last run (for programmatic use and tests). */
  summaries: ScenarioSummary[] = [];

  constructor(private readonly options: MirraReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    this.summaries = summarize(gradedTests(testModules));
    if (this.summaries.length === 0) return;
    if (!this.options.silent) {
      const write = this.options.write ?? ((text: string) => (this.vitest ? this.vitest.logger.log(text) : process.stdout.write(`${text}\n`)));
      write(`\n${pc.bold(pc.cyan(' MIRRA '))} ${pc.dim('runs × criteria')}\n\n${this.summaries.map((s) => formatMatrix(s)).join('\n\n')}\n`);
    }
    const outputFile = this.options.outputFile ?? DEFAULT_RESULT_FILE;
    if (outputFile !== false) {
      const root = this.vitest?.config.root ?? process.cwd();
      const file = path.resolve(root, outputFile);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, this.summaries.map((s) => JSON.stringify(resultEntry(s))).join('\n') + '\n');
    }
  }
}

export { MirraReporter };
