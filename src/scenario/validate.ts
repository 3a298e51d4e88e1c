/**
 * The structured (JSON) form of a scenario, as `POST /v1/runs` receives it in `scenario`:
 * `validateScenario` checks it with the same rules as the markdown form and returns the
 * normalised Scenario, or throws a ScenarioError whose issues have no `line` but a `field`
 * (`config.runs`, `criteria[2].text`). `normalizeScenario` only fills defaults.
 */
import { CONFIG_KEYS, resolveConfig, type ConfigEntry } from './config.js';
import { makeCriterion, splitTagPrefix } from './criteria.js';
import { loadFixtureCatalog, type FixtureCatalog } from './fixture-catalog.js';
import { IssueCollector } from './issues.js';
import { checkWholeScenario } from './scenario-checks.js';
import { ScenarioError } from './scenario-error.js';
import { CONFIG_DEFAULTS, type Criterion, type CriterionTag, type Scenario, type ScenarioConfig } from './types.js';

export interface ValidateOptions {
  /** Shown in messages and kept as `scenario.file`; defaults to the object's own `file`. */
  file?: string;
  /** Fixture names per mirror; default: the files under the package's `fixtures/`. */
  fixtures?: FixtureCatalog;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateScenario(input: unknown, options: ValidateOptions = {}): Scenario {
  const file = options.file ?? (isObject(input) && typeof input.file === 'string' ? input.file : undefined);
  const issues = new IssueCollector(file);
  let scenario: Scenario | undefined;
  try {
    scenario = read(input, file, options.fixtures, issues);
  } catch (error) {
    issues.error('mirra.scenario.invalid_input', `The scenario could not be read (${error instanceof Error ? error.message : String(error)}).`, 'This is a bug in Mirra; please report it with the request body.');
  }
  if (issues.issues.length > 0 || scenario === undefined) throw new ScenarioError(issues.sortedIssues());
  return scenario;
}

function read(input: unknown, file: string | undefined, fixtures: FixtureCatalog | undefined, issues: IssueCollector): Scenario | undefined {
  if (!isObject(input)) {
    issues.error('mirra.scenario.invalid_input', `A scenario must be an object, got ${describe(input)}.`, 'Send { title, criteria: [{ tag, text }], config: { mirrors, ... } }.');
    return undefined;
  }

  const title = typeof input.title === 'string' ? input.title.replace(/\s+/g, ' ').trim() : '';
  if (title === '') {
    const got = input.title === undefined ? 'it is missing' : `got ${describe(input.title)}`;
    issues.error('mirra.scenario.missing_title', `Missing title: 'title' must be a non-empty string (${got}).`, 'Name the scenario, e.g. "title": "Send Welcome Email on Signup".', { field: 'title' });
  }

  const text = (field: 'setup' | 'prompt' | 'expectedBehavior'): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      issues.error('mirra.scenario.invalid_input', `'${field}' must be a string, got ${describe(value)}.`, `Send the ${field} as markdown text.`, { field });
      return undefined;
    }
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const setup = text('setup');
  const prompt = text('prompt');
  const expectedBehavior = text('expectedBehavior');

  const criteria = readCriteria(input.criteria, issues);

  let entries: ConfigEntry[] = [];
  if (input.config !== undefined && input.config !== null) {
    if (!isObject(input.config)) {
      issues.error('mirra.scenario.invalid_config', `'config' must be an object, got ${describe(input.config)}.`, 'Send config as { "mirrors": ["resend"], "runs": 3, ... }.', { field: 'config' });
    } else {
      entries = Object.entries(input.config)
        // `mirrors: []` is what a scenario without mirrors looks like as JSON: treat it as absent.
        .filter(([key, value]) => value !== undefined && value !== null && !(key === 'mirrors' && Array.isArray(value) && value.length === 0))
        .map(([key, value]) => ({ key: markdownKey(key), value, at: { field: `config.${key}` } }));
    }
  }
  const config = resolveConfig(entries, { issues, fixtures: fixtures ?? loadFixtureCatalog(), form: 'json' });

  const scenario: Scenario = {
    title,
    ...(setup !== undefined && { setup }),
    ...(prompt !== undefined && { prompt }),
    ...(expectedBehavior !== undefined && { expectedBehavior }),
    criteria,
    config,
  };
  if (file !== undefined) scenario.file = file;
  checkWholeScenario(scenario, issues, { field: 'config.agent' });
  scenario.warnings = issues.sortedWarnings();
  return scenario;
}

/** `judgeModel` → `judge-model`; other keys stay as written (unknown ones get a warning). */
function markdownKey(key: string): string {
  const known = Object.entries(CONFIG_KEYS).find(([, json]) => json === key);
  return known ? known[0] : key;
}

function readCriteria(value: unknown, issues: IssueCollector): Criterion[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    issues.error('mirra.scenario.no_criteria', "No criteria: 'criteria' must list at least one { tag, text }.", 'Add e.g. { "tag": "check", "text": "Exactly 1 email is created" }.', { field: 'criteria' });
    return [];
  }
  if (!Array.isArray(value)) {
    issues.error('mirra.scenario.invalid_input', `'criteria' must be an array, got ${describe(value)}.`, 'Send criteria as [{ "tag": "check", "text": "..." }].', { field: 'criteria' });
    return [];
  }
  const criteria: Criterion[] = [];
  value.forEach((item: unknown, index) => {
    const field = `criteria[${index}]`;
    // A bare string is accepted as a markdown list item would be: "check: Exactly 1 email ...".
    const raw: Json | undefined = typeof item === 'string' ? { text: item } : isObject(item) ? item : undefined;
    if (raw === undefined) {
      issues.error('mirra.scenario.invalid_input', `${field} must be an object { tag, text }, got ${describe(item)}.`, 'Send { "tag": "check" | "judge", "text": "..." }.', { field });
      return;
    }
    let tag: CriterionTag | undefined;
    if (raw.tag !== undefined && raw.tag !== null) {
      if (raw.tag !== 'check' && raw.tag !== 'judge') {
        issues.error('mirra.scenario.invalid_input', `${field}.tag must be "check" or "judge", got ${describe(raw.tag)}.`, 'Use "check" for deterministic criteria and "judge" for taste calls, or leave tag out to infer it.', { field: `${field}.tag` });
        return;
      }
      tag = raw.tag;
    }
    if (typeof raw.text !== 'string') {
      issues.error('mirra.scenario.invalid_input', `${field}.text must be a string, got ${describe(raw.text)}.`, 'Write what must be true after the run.', { field: `${field}.text` });
      return;
    }
    const split = typeof item === 'string' ? splitTagPrefix(raw.text) : { tag: undefined, text: raw.text.trim() };
    tag ??= split.tag;
    if (split.text === '') {
      issues.error('mirra.scenario.empty_criterion', `${field}.text is empty.`, 'Write what must be true after the run, or remove the criterion.', { field: `${field}.text` });
      return;
    }
    const criterion = makeCriterion(split.text, tag);
    // A criterion parsed from markdown keeps its provenance when sent back as JSON.
    if (raw.inferred === true && tag !== undefined) {
      criterion.inferred = true;
      delete criterion.warning;
    }
    const line = raw.line;
    criteria.push(typeof line === 'number' && Number.isSafeInteger(line) && line > 0 ? { ...criterion, line } : criterion);
  });
  return criteria;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** A partial scenario in the JSON shape, as written by hand or by another tool. */
export interface PartialScenario {
  title: string;
  setup?: string;
  prompt?: string;
  expectedBehavior?: string;
  criteria: Array<string | { tag?: CriterionTag; text: string; line?: number }>;
  config?: Partial<ScenarioConfig>;
  file?: string;
}

/**
 * Fills the defaults of a partial, trusted scenario without validating it: config defaults,
 * inferred tags for criteria without one. Use validateScenario for input from outside.
 */
export function normalizeScenario(partial: PartialScenario): Scenario {
  const criteria = partial.criteria.map((item): Criterion => {
    const raw = typeof item === 'string' ? splitTagPrefix(item) : { tag: item.tag, text: item.text.trim() };
    const criterion = makeCriterion(raw.text, raw.tag);
    return typeof item !== 'string' && item.line !== undefined ? { ...criterion, line: item.line } : criterion;
  });
  const config: ScenarioConfig = {
    mirrors: [],
    timeout: CONFIG_DEFAULTS.timeout,
    runs: CONFIG_DEFAULTS.runs,
    agent: CONFIG_DEFAULTS.agent,
    judgeModel: CONFIG_DEFAULTS.judgeModel,
    persistent: CONFIG_DEFAULTS.persistent,
    ...stripUndefined(partial.config ?? {}),
  };
  const scenario: Scenario = {
    title: partial.title,
    ...(partial.setup !== undefined && { setup: partial.setup }),
    ...(partial.prompt !== undefined && { prompt: partial.prompt }),
    ...(partial.expectedBehavior !== undefined && { expectedBehavior: partial.expectedBehavior }),
    criteria,
    config,
  };
  if (partial.file !== undefined) scenario.file = partial.file;
  return scenario;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
