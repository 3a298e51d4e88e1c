/** Evaluation of scenario criteria: the check grammar, defineCheck, judges, the verdict cache, scoring. */
export type * from './types.js';

export { evaluateCheck, BUILTIN_PATTERNS, type EvaluateCheckOptions } from './check.js';
export {
  createCheckRegistry,
  defaultCheckRegistry,
  defineCheck,
  checkContext,
  type CheckContext,
  type CheckDefinition,
  type CheckFn,
  type CheckRegistry,
  type CheckReturn,
} from './registry.js';
export { compileExpression, matchExpression, CheckExpressionError, type CompiledExpression, type ExpressionArgs, type ParameterType } from './expression.js';
export { defineCheckSnippet, expressionFor } from './snippet.js';

export { judgeCriterion, type JudgeCriterionOptions, type JudgeCriterionResult } from './judge-criterion.js';
export { buildJudgeInput, traceExcerpt, stateSummary, outputExcerpt, TRACE_BUDGET, STATE_BUDGET, OUTPUT_BUDGET } from './judge/excerpt.js';
export { renderJudgePrompt, JUDGE_SYSTEM_PROMPT } from './judge/prompt.js';
export { parseVerdict } from './judge/verdict.js';
export { MirraJudgeError, isMirraJudgeError } from './judge/errors.js';
export { anthropicModel, openaiModel, DEFAULT_JUDGE_MODEL } from './judge/models.js';
export { anthropic, openai, defineEvaluator, scriptedEvaluator, defaultEvaluator, type LlmEvaluatorOptions } from './judge/evaluators.js';

export { createVerdictCache, verdictCacheKey, DEFAULT_CACHE_PATH, CACHE_KEY_VERSION, type VerdictCache, type VerdictCacheStats } from './cache.js';
export { evaluateCriterion, NO_EVALUATOR_HINT, type EvaluateCriterionOptions } from './criterion.js';
export { scoreResults, formatScore, type ScoreSummary, type CriterionScore } from './score.js';
