import { describe, expect, test } from 'vitest';
import { formatScore, scoreResults } from '../../src/evaluate/index.js';
import type { CriterionResult } from '../../src/evaluate/types.js';

function results(runs: number, criteria: Array<{ text: string; kind: 'check' | 'judge'; passes: Array<boolean | null>; line?: number }>): CriterionResult[] {
  const out: CriterionResult[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const c of criteria) {
      out.push({ scenario: 'Welcome', run, criterion: c.text, kind: c.kind, pass: c.passes[run - 1], explanation: '', escalated: false, cached: false, ...(c.line ? { line: c.line } : {}) });
    }
  }
  return out;
}

describe('scoreResults', () => {
  test('15/18 across 3 runs (the CLI example: five criteria 3/3, one 0/3)', () => {
    const crit = ['a', 'b', 'c', 'd', 'e'].map((t, i) => ({ text: t, kind: 'check' as const, passes: [true, true, true], line: 10 + i }));
    const s = scoreResults(results(3, [...crit, { text: 'tone', kind: 'judge', passes: [false, false, false], line: 15 }]));
    expect(s.satisfactionScore).toBe(0.8333);
    expect(s).toMatchObject({ passed: 15, graded: 18, ungraded: 0, runs: 3 });
    expect(s.criteria[0]).toEqual({ label: 'a', kind: 'check', passed: 3, total: 3, ungraded: 0, line: 10, scenario: 'Welcome' });
    expect(s.criteria[5]).toEqual({ label: 'tone', kind: 'judge', passed: 0, total: 3, ungraded: 0, line: 15, scenario: 'Welcome' });
    expect(formatScore(s)).toBe('83% (15/18 criteria passed across 3 runs)');
  });

  test('26/30 across 5 runs', () => {
    const crit = [
      { text: 'c1', kind: 'check' as const, passes: [true, true, true, true, true] },
      { text: 'c2', kind: 'check' as const, passes: [true, true, true, true, true] },
      { text: 'c3', kind: 'check' as const, passes: [true, true, true, true, true] },
      { text: 'c4', kind: 'check' as const, passes: [true, true, true, true, false] },
      { text: 'j1', kind: 'judge' as const, passes: [true, true, true, true, false] },
      { text: 'j2', kind: 'judge' as const, passes: [true, true, true, false, false] },
    ];
    const s = scoreResults(results(5, crit));
    expect(s.satisfactionScore).toBe(0.8667);
    expect(s.criteria.map((c) => `${c.passed}/${c.total}`)).toEqual(['5/5', '5/5', '5/5', '4/5', '4/5', '3/5']);
    expect(formatScore(s)).toBe('87% (26/30 criteria passed across 5 runs)');
  });

  test('18/21 → 86%, 22/30 → 73%', () => {
    const a = scoreResults(results(3, Array.from({ length: 7 }, (_, i) => ({ text: `k${i}`, kind: 'check' as const, passes: i === 0 ? [false, false, false] : [true, true, true] }))));
    expect(formatScore(a)).toBe('86% (18/21 criteria passed across 3 runs)');
    const b = scoreResults(results(5, Array.from({ length: 6 }, (_, i) => ({ text: `k${i}`, kind: 'check' as const, passes: i < 4 ? [true, true, true, true, true] : [true, false, false, false, false] }))));
    expect(b.satisfactionScore).toBe(0.7333);
    expect(formatScore(b)).toBe('73% (22/30 criteria passed across 5 runs)');
  });

  test('ungraded judge results are excluded', () => {
    const s = scoreResults(results(2, [
      { text: 'count', kind: 'check', passes: [true, false] },
      { text: 'tone', kind: 'judge', passes: [null, null] },
    ]));
    expect(s).toMatchObject({ satisfactionScore: 0.5, passed: 1, graded: 2, ungraded: 2, runs: 2 });
    expect(s.criteria[1]).toMatchObject({ label: 'tone', passed: 0, total: 0, ungraded: 2 });
    expect(formatScore(s)).toBe('50% (1/2 criteria passed across 2 runs; 2 not graded)');
  });

  test('nothing graded', () => {
    const s = scoreResults(results(1, [{ text: 'tone', kind: 'judge', passes: [null] }]));
    expect(s.satisfactionScore).toBeNull();
    expect(formatScore(s)).toBe('no criteria graded across 1 run; 1 not graded');
    expect(scoreResults([])).toEqual({ satisfactionScore: null, passed: 0, graded: 0, ungraded: 0, runs: 0, criteria: [] });
  });
});
