/**
 * Scenario markdown → a Vitest module of literal, unrolled calls:
 *
 *   describe('<title>') › describe('run k') › test('check: …') / test('judge: …')
 *
 * with a line-level source map (each `test(` → its criterion's line, each `describe` → the
 * title line or the `## Success Criteria` line). The calls are literal because Vitest's
 * static collector (VS Code explorer, `vitest list`) only sees literal `describe`/`test`
 * calls, and test names are literals whose raw text equals their value (no escapes), so
 * static and runtime names agree (vitest-integration §0, §3.3).
 */
import path from 'node:path';
import { parseScenario, ScenarioError, type Scenario } from '../scenario/index.js';
import { applyRunOverrides, type RunOverrides } from './run-overrides.js';
import { lineSourceMap, type SourceMapV3 } from './sourcemap.js';

export interface GenerateOptions {
  /** Absolute path of the `.md` file (the module id). */
  file: string;
  /** The markdown. */
  source: string;
  /** Project root: messages and results show the file relative to it. */
  root: string;
  /** Module specifier of the worker runtime (an absolute path). */
  runtime: string;
  /** `mirra run` flags applied on top of the scenario's `## Config`. */
  overrides?: RunOverrides;
}

export interface GeneratedModule {
  code: string;
  map: SourceMapV3;
  /** The parsed scenario, or the error that made the file invalid. */
  scenario?: Scenario;
  error?: ScenarioError;
}

/** What the generated module hands to `createScenarioSuite`. */
export interface ScenarioModuleData {
  file: string;
  relFile: string;
  scenario: Scenario;
  /** `mirra run --session`: run in this existing session (reset before each run, never deleted). */
  sessionId?: string;
}

/** Timeout for the `beforeAll` that executes one run: the scenario timeout plus room to set up, settle and capture. */
export const RUN_HOOK_SLACK_MS = 60_000;
export const CHECK_TEST_TIMEOUT_MS = 30_000;
export const JUDGE_TEST_TIMEOUT_MS = 120_000;

/**
 * Makes `text` safe inside a single-quoted literal with no escapes: the literal's raw text
 * then equals its value (the static collector reads raw slices). Only the *name* is
 * changed; the criterion itself is evaluated from the parsed scenario by index.
 */
export function testNameLiteral(text: string): string {
  const clean = text
    .replace(/\r\n|[\r\n\u2028\u2029\t]+/g, ' ')
    .replace(/\\/g, '∖')
    .replace(/'/g, '’')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return `'${clean}'`;
}

export function relativeFile(root: string, file: string): string {
  const rel = path.relative(root, file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

export function generateScenarioModule(options: GenerateOptions): GeneratedModule {
  const relFile = relativeFile(options.root, options.file);
  let scenario: Scenario;
  try {
    scenario = parseScenario(options.source, { file: relFile });
  } catch (error) {
    const scenarioError =
      error instanceof ScenarioError
        ? error
        : new ScenarioError([{ code: 'mirra.scenario.invalid_input', message: `${relFile}: ${error instanceof Error ? error.message : String(error)}` } as never]);
    return { ...invalidModule(options, relFile, scenarioError), error: scenarioError };
  }
  scenario = applyRunOverrides(scenario, options.overrides);
  return { ...validModule(options, relFile, scenario), scenario };
}

function lineOf(source: string, pattern: RegExp): number | undefined {
  const lines = source.split(/\r\n|\r|\n/);
  const index = lines.findIndex((line) => pattern.test(line));
  return index >= 0 ? index + 1 : undefined;
}

class Emitter {
  readonly lines: string[] = [];
  readonly map: Array<number | null> = [];
  emit(code: string, sourceLine: number): void {
    this.lines.push(code);
    this.map.push(sourceLine);
  }
}

function validModule(options: GenerateOptions, relFile: string, scenario: Scenario): { code: string; map: SourceMapV3 } {
  const titleLine = lineOf(options.source, /^\s{0,3}#\s/) ?? 1;
  const criteriaLine = lineOf(options.source, /^\s{0,3}##\s+success\s+criteria\b/i) ?? titleLine;
  const data: ScenarioModuleData = { file: options.file, relFile, scenario, ...(options.overrides?.sessionId ? { sessionId: options.overrides.sessionId } : {}) };
  const runHookTimeout = scenario.config.timeout * 1000 + RUN_HOOK_SLACK_MS;
  const out = new Emitter();
  out.emit(`import { describe, test, beforeAll, afterAll } from 'vitest';`, titleLine);
  out.emit(`import { createScenarioSuite } from ${JSON.stringify(options.runtime)};`, titleLine);
  // The loader is emitted here so driver/judge/check modules go through Vite (TypeScript works).
  out.emit(`const mirra = createScenarioSuite(${JSON.stringify(data)}, (id) => import(/* @vite-ignore */ id));`, titleLine);
  out.emit(`describe(${testNameLiteral(scenario.title)}, () => {`, titleLine);
  out.emit(`  beforeAll(() => mirra.begin(), ${RUN_HOOK_SLACK_MS});`, titleLine);
  out.emit(`  afterAll(() => mirra.end(), ${RUN_HOOK_SLACK_MS});`, titleLine);
  for (let run = 1; run <= scenario.config.runs; run++) {
    out.emit(`  describe('run ${run}', () => {`, criteriaLine);
    out.emit(`    beforeAll(() => mirra.run(${run}), ${runHookTimeout});`, criteriaLine);
    out.emit(`    afterAll(() => mirra.endRun(${run}), ${RUN_HOOK_SLACK_MS});`, criteriaLine);
    scenario.criteria.forEach((criterion, index) => {
      const name = testNameLiteral(`${criterion.tag}: ${criterion.text}`);
      const timeout = criterion.tag === 'judge' ? JUDGE_TEST_TIMEOUT_MS : CHECK_TEST_TIMEOUT_MS;
      // The Error is constructed on this line, so the failure frame points at the criterion.
      out.emit(
        `    test(${name}, async (context) => { const failure = await mirra.criterion(context, ${run}, ${index}); if (failure) throw Object.assign(new Error(failure.message), failure); }, ${timeout});`,
        criterion.line ?? criteriaLine,
      );
    });
    out.emit(`  });`, criteriaLine);
  }
  out.emit(`});`, titleLine);
  return { code: out.lines.join('\n') + '\n', map: lineSourceMap(out.map, { path: options.file, content: options.source }) };
}

/** Human-readable text of a ScenarioError: every issue with file:line:column and its hint. */
export function formatScenarioError(error: ScenarioError, relFile: string): string {
  const lines = [`Invalid scenario ${relFile} (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):`];
  for (const issue of error.issues) {
    const where = `${issue.file ?? relFile}:${issue.line ?? 1}:${issue.column ?? 1}`;
    const message = issue.message.startsWith(`${issue.file ?? relFile}:`) ? issue.message.replace(/^[^:]+:(\d+:)?\s*/, '') : issue.message;
    lines.push(`  ${where}: ${message} [${issue.code}]`);
    if (issue.hint) lines.push(`    hint: ${issue.hint}`);
  }
  return lines.join('\n');
}

function invalidModule(options: GenerateOptions, relFile: string, error: ScenarioError): { code: string; map: SourceMapV3 } {
  const line = error.line ?? 1;
  const name = testNameLiteral(`${path.basename(options.file)}: invalid scenario`);
  const message = formatScenarioError(error, relFile);
  const details = { code: error.code, file: relFile, line, column: error.column ?? 1, hint: error.hint, issues: error.issues };
  const out = new Emitter();
  out.emit(`import { test } from 'vitest';`, line);
  out.emit(
    `test(${name}, () => { const error = new Error(${JSON.stringify(message)}); error.name = 'ScenarioError'; throw Object.assign(error, ${JSON.stringify(details)}); });`,
    line,
  );
  return { code: out.lines.join('\n') + '\n', map: lineSourceMap(out.map, { path: options.file, content: options.source }) };
}
