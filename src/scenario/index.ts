/** The scenario-format layer: markdown ⇄ Scenario, validation, tag inference. */
export { parseScenario, type ParseOptions } from './parse.js';
export { formatScenario } from './format.js';
export { validateScenario, normalizeScenario, type ValidateOptions, type PartialScenario } from './validate.js';
export { ScenarioError } from './scenario-error.js';
export { SCENARIO_ERROR_CODES, SCENARIO_WARNING_CODES } from './issues.js';
export type { ScenarioIssue, ScenarioErrorCode, ScenarioWarningCode } from './issues.js';
export { inferTag, INFERENCE_RULES, type TagInference, type InferenceRuleId } from './infer-tag.js';
export { loadFixtureCatalog, clearFixtureCatalogCache, BUILTIN_FIXTURES_DIR, type FixtureCatalog } from './fixture-catalog.js';
export { CONFIG_KEYS, KNOWN_JUDGE_MODELS } from './config.js';
export { SECTION_NAMES } from './sections.js';
export { MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES } from './input.js';
export { MAX_CONTAINER_MARKERS, MAX_NESTING_DEPTH } from './complexity-guard.js';
export { suggest, levenshtein } from './suggest.js';
export {
  MIRROR_CATALOG,
  AGENTS,
  CONFIG_DEFAULTS,
  type Scenario,
  type Criterion,
  type CriterionTag,
  type ScenarioConfig,
  type ScenarioWarning,
  type MirrorName,
  type AgentName,
} from './types.js';
