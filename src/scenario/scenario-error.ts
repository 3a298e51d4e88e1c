/** The one error type of the scenario layer. */

/** Further problems spelled out in `message`; all of them are always in `issues`. */
const MAX_LISTED = 20;
import type { ScenarioErrorCode, ScenarioIssue } from './issues.js';

/**
 * A scenario that cannot be used. The error itself describes the first problem (in source
 * order); `issues` lists every problem found, the first included. `message` is the first
 * problem's message, followed by one line per further problem, so printing the message
 * alone shows everything.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code: ScenarioErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly issues: ScenarioIssue[];

  constructor(issues: ScenarioIssue[]) {
    if (issues.length === 0) throw new TypeError('ScenarioError needs at least one issue');
    const [first] = issues;
    const more = issues.slice(1, 1 + MAX_LISTED).map((issue) => `\n  also ${issue.message}`);
    if (issues.length > 1 + MAX_LISTED) more.push(`\n  …and ${issues.length - 1 - MAX_LISTED} more (see error.issues)`);
    super(first.message + more.join(''));
    this.code = first.code;
    this.hint = first.hint;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.issues = issues;
  }

  /** Plain JSON (for `--json` output and the control plane's error envelope). */
  toJSON(): { code: string; message: string; hint?: string; file?: string; line?: number; column?: number; issues: ScenarioIssue[] } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint !== undefined && { hint: this.hint }),
      ...(this.file !== undefined && { file: this.file }),
      ...(this.line !== undefined && { line: this.line }),
      ...(this.column !== undefined && { column: this.column }),
      issues: this.issues,
    };
  }
}

/** Builds a ScenarioError from a single problem. */
export function scenarioError(code: ScenarioErrorCode, message: string, hint?: string, file?: string): ScenarioError {
  const prefix = file !== undefined ? `${file}: ` : '';
  const issue: ScenarioIssue = { code, message: prefix + message };
  if (hint !== undefined) issue.hint = hint;
  if (file !== undefined) issue.file = file;
  return new ScenarioError([issue]);
}
