/**
 * Grade one criterion of one run (`task.meta.mirra`):
 * - `check:` → the grammar/defineCheck; unmatched → the judge with `escalated: true` and a
 *   warning when an evaluator exists, else a failure carrying the defineCheck snippet;
 * - `judge:` → the evaluator (cached); without one → `pass: null` (not graded) with how to
 *   configure one.
 * Judge errors propagate (MirraJudgeError): the test fails with the API's message.
 */
import type { Criterion, CriterionResult, Evaluator, RunCapture } from './types.js';
import type { VerdictCache } from './cache.js';
import type { CheckRegistry } from './registry.js';
import { evaluateCheck } from './check.js';
import { judgeCriterion } from './judge-criterion.js';

export const NO_EVALUATOR_HINT =
  'configure a judge with withMirra({ judge: anthropic() }) (or openai(), or defineEvaluator(...)), or set ANTHROPIC_API_KEY';

export interface EvaluateCriterionOptions {
  criterion: Criterion;
  capture: RunCapture;
  registry?: CheckRegistry;
  evaluator?: Evaluator;
  cache?: VerdictCache | false;
  /** `judge-model:`; default the scenario's. */
  model?: string;
  signal?: AbortSignal;
}

export async function evaluateCriterion(options: EvaluateCriterionOptions): Promise<CriterionResult> {
  const { criterion, capture, evaluator } = options;
  const base = {
    scenario: capture.scenario.title,
    run: capture.run,
    criterion: criterion.text,
    kind: criterion.tag,
    escalated: false,
    cached: false,
  } satisfies Partial<CriterionResult>;
  const result = (r: Omit<CriterionResult, keyof typeof base> & Partial<CriterionResult>): CriterionResult => {
    const out: CriterionResult = { ...base, ...r } as CriterionResult;
    if (capture.file !== undefined) out.file = capture.file;
    if (criterion.line !== undefined) out.line = criterion.line;
    const warnings = [...(criterion.warning ? [criterion.warning] : []), ...(r.warnings ?? [])];
    if (warnings.length > 0) out.warnings = warnings;
    else delete out.warnings;
    return out;
  };
  const judge = async (extra: { escalated: boolean; prefix?: string; warnings?: string[] }) => {
    const { verdict, cached } = await judgeCriterion({
      criterion,
      capture,
      evaluator: evaluator!,
      cache: options.cache,
      model: options.model,
      signal: options.signal,
    });
    const explanation = `${extra.prefix ?? ''}${verdict.explanation || (verdict.pass ? 'the judge passed it' : 'the judge failed it')}`;
    return result({
      pass: verdict.pass,
      explanation,
      escalated: extra.escalated,
      cached,
      ...(verdict.score !== undefined ? { score: verdict.score } : {}),
      ...(extra.warnings ? { warnings: extra.warnings } : {}),
    });
  };

  if (criterion.tag === 'judge') {
    if (!evaluator) return result({ pass: null, explanation: `not graded: no judge is configured; ${NO_EVALUATOR_HINT}` });
    return judge({ escalated: false });
  }

  const outcome = evaluateCheck(criterion.text, capture, options.registry ? { registry: options.registry } : {});
  if (outcome.status !== 'unmatched') {
    return result({ pass: outcome.status === 'pass', explanation: outcome.message, pattern: outcome.pattern });
  }
  if (evaluator) {
    const warning = `check matched no pattern of the deterministic grammar; escalated to the judge (${evaluator.name}). Add a defineCheck to keep it deterministic and free.`;
    return judge({ escalated: true, prefix: 'escalated to the judge (no check pattern matched): ', warnings: [warning] });
  }
  return result({
    pass: false,
    explanation: `no check pattern matches this criterion and no judge is configured to escalate to. Define it:\n${outcome.snippet}`,
    snippet: outcome.snippet,
  });
}
