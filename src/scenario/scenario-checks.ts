/**
 * Rules about the scenario as a whole, shared by the markdown and the JSON form.
 */
import type { IssueCollector, Position } from './issues.js';
import type { Criterion, ScenarioConfig } from './types.js';

export interface WholeScenario {
  prompt?: string;
  expectedBehavior?: string;
  criteria: readonly Criterion[];
  config: ScenarioConfig;
}

export function checkWholeScenario(scenario: WholeScenario, issues: IssueCollector, agentAt: Position | undefined): void {
  const { config } = scenario;
  if (config.agent !== 'custom' && scenario.prompt === undefined) {
    issues.error(
      'mirra.scenario.missing_prompt',
      `agent: ${config.agent} needs a '## Prompt' (or '## Task') section: it is the instruction handed to the agent.`,
      "Add '## Prompt' with the task, or use 'agent: custom' when a test suite or script drives the run.",
      agentAt ?? {},
    );
  }
  for (const criterion of scenario.criteria) {
    if (criterion.warning !== undefined) issues.warn('mirra.scenario.tag_mismatch', criterion.warning, criterion.line);
  }
  const firstJudge = scenario.criteria.find((criterion) => criterion.tag === 'judge');
  if (scenario.expectedBehavior === undefined && firstJudge) {
    issues.warn(
      'mirra.scenario.judge_without_expected_behavior',
      "judge: criteria are graded without '## Expected Behavior'; the criterion text alone is usually too thin for the judge.",
      firstJudge.line,
    );
  }
}
