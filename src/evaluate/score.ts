/**
 * Satisfaction score (spec §2.3/§2.6): passed ÷ graded over runs × criteria; ungraded
 * results (judge without an evaluator) are excluded. Per-criterion passed/total, in the
 * order criteria first appear.
 */
import type { CriterionResult } from './types.js';

export interface CriterionScore {
  label: string;
  kind: 'check' | 'judge';
  passed: number;
  /** Graded results of this criterion (ungraded excluded). */
  total: number;
  /** Results that were not graded. */
  ungraded: number;
  line?: number;
  scenario?: string;
}

export interface ScoreSummary {
  /** passed ÷ graded, rounded to 4 decimals; null when nothing was graded. */
  satisfactionScore: number | null;
  passed: number;
  graded: number;
  ungraded: number;
  /** Distinct run indices. */
  runs: number;
  criteria: CriterionScore[];
}

export function scoreResults(results: readonly CriterionResult[]): ScoreSummary {
  const criteria = new Map<string, CriterionScore>();
  let passed = 0;
  let graded = 0;
  let ungraded = 0;
  for (const r of results) {
    const key = `${r.file ?? r.scenario}\u0000${r.line ?? ''}\u0000${r.kind}\u0000${r.criterion}`;
    let c = criteria.get(key);
    if (!c) {
      c = { label: r.criterion, kind: r.kind, passed: 0, total: 0, ungraded: 0, scenario: r.scenario };
      if (r.line !== undefined) c.line = r.line;
      criteria.set(key, c);
    }
    if (r.pass === null) {
      c.ungraded++;
      ungraded++;
      continue;
    }
    c.total++;
    graded++;
    if (r.pass) {
      c.passed++;
      passed++;
    }
  }
  const runCount = new Set(results.map((r) => r.run)).size;
  return {
    satisfactionScore: graded === 0 ? null : Math.round((passed / graded) * 10_000) / 10_000,
    passed,
    graded,
    ungraded,
    runs: runCount,
    criteria: [...criteria.values()],
  };
}

/** "87% (26/30 criteria passed across 5 runs)". */
export function formatScore(summary: Pick<ScoreSummary, 'satisfactionScore' | 'passed' | 'graded' | 'ungraded' | 'runs'>): string {
  const runs = `${summary.runs} run${summary.runs === 1 ? '' : 's'}`;
  const ungraded = summary.ungraded > 0 ? `; ${summary.ungraded} not graded` : '';
  if (summary.satisfactionScore === null || summary.graded === 0) return `no criteria graded across ${runs}${ungraded}`;
  const pct = Math.round((summary.passed / summary.graded) * 100);
  return `${pct}% (${summary.passed}/${summary.graded} criteria passed across ${runs}${ungraded})`;
}
