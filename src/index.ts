export { parseScenario, formatScenario, ScenarioError } from './scenario/index.js';
export type { Scenario, Criterion, ScenarioConfig } from './scenario/index.js';
