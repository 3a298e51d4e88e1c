/**
 * Problems found in a scenario: fatal issues (collected, then thrown together as one
 * ScenarioError) and warnings (kept on the Scenario).
 */
import type { ScenarioWarning } from './types.js';

export const SCENARIO_ERROR_CODES = [
  'mirra.scenario.invalid_input',
  'mirra.scenario.missing_title',
  'mirra.scenario.multiple_titles',
  'mirra.scenario.duplicate_section',
  'mirra.scenario.no_criteria',
  'mirra.scenario.empty_criterion',
  'mirra.scenario.missing_prompt',
  'mirra.scenario.unknown_mirror',
  'mirra.scenario.unknown_fixture',
  'mirra.scenario.ambiguous_fixture',
  'mirra.scenario.invalid_config',
] as const;
export type ScenarioErrorCode = (typeof SCENARIO_ERROR_CODES)[number];

export const SCENARIO_WARNING_CODES = [
  'mirra.scenario.tag_mismatch',
  'mirra.scenario.unknown_config_key',
  'mirra.scenario.ignored_config_line',
  'mirra.scenario.unknown_section',
  'mirra.scenario.section_heading_level',
  'mirra.scenario.fixture_overridden',
  'mirra.scenario.unknown_judge_model',
  'mirra.scenario.judge_without_expected_behavior',
] as const;
export type ScenarioWarningCode = (typeof SCENARIO_WARNING_CODES)[number];

/** One problem, with where it is. `line`/`column` are 1-based and absent for the JSON form. */
export interface ScenarioIssue {
  code: ScenarioErrorCode;
  /** Prefixed with `file:line:` (or what is known of it), so it reads well on its own. */
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  /** For the JSON form: the path of the offending field, e.g. `config.runs`. */
  field?: string;
}

export interface Position {
  line?: number;
  column?: number;
  field?: string;
}

/** `scenarios/welcome.md:14: ` / `scenarios/welcome.md: ` / `line 14: ` / `` */
export function locationPrefix(file: string | undefined, line: number | undefined): string {
  if (file !== undefined && line !== undefined) return `${file}:${line}: `;
  if (file !== undefined) return `${file}: `;
  if (line !== undefined) return `line ${line}: `;
  return '';
}

/** Accumulates issues and warnings while a scenario is read; nothing throws until the end. */
export class IssueCollector {
  readonly issues: ScenarioIssue[] = [];
  readonly warnings: ScenarioWarning[] = [];

  constructor(readonly file: string | undefined) {}

  error(code: ScenarioErrorCode, message: string, hint: string | undefined, at: Position = {}): void {
    const issue: ScenarioIssue = { code, message: locationPrefix(this.file, at.line) + message };
    if (hint !== undefined) issue.hint = hint;
    if (this.file !== undefined) issue.file = this.file;
    if (at.line !== undefined) issue.line = at.line;
    if (at.column !== undefined) issue.column = at.column;
    if (at.field !== undefined) issue.field = at.field;
    this.issues.push(issue);
  }

  warn(code: ScenarioWarningCode, message: string, line?: number): void {
    const warning: ScenarioWarning = { code, message };
    if (line !== undefined) warning.line = line;
    this.warnings.push(warning);
  }

  /** Issues in source order; problems without a line (missing sections) come first. */
  sortedIssues(): ScenarioIssue[] {
    return this.issues
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.index - b.index)
      .map(({ issue }) => issue);
  }

  sortedWarnings(): ScenarioWarning[] {
    return this.warnings
      .map((warning, index) => ({ warning, index }))
      .sort((a, b) => (a.warning.line ?? 0) - (b.warning.line ?? 0) || a.index - b.index)
      .map(({ warning }) => warning);
  }
}
