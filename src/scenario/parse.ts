/**
 * `parseScenario`: scenario markdown → Scenario, or a ScenarioError listing every problem.
 */
import { checkComplexity } from './complexity-guard.js';
import { readConfigLines } from './config-lines.js';
import { resolveConfig, type ConfigEntry } from './config.js';
import { readCriteria } from './criteria.js';
import { loadFixtureCatalog, type FixtureCatalog } from './fixture-catalog.js';
import { readInput } from './input.js';
import { IssueCollector } from './issues.js';
import { blockSource, parseMarkdown } from './markdown.js';
import { checkWholeScenario } from './scenario-checks.js';
import { ScenarioError } from './scenario-error.js';
import { readOutline } from './sections.js';
import type { Scenario } from './types.js';

export interface ParseOptions {
  /** Shown in messages (`scenarios/welcome.md:14: ...`) and kept as `scenario.file`. */
  file?: string;
  /** Fixture names per mirror; default: the files under the package's `fixtures/`. */
  fixtures?: FixtureCatalog;
}

export function parseScenario(markdown: string | Uint8Array, options: ParseOptions = {}): Scenario {
  const issues = new IssueCollector(options.file);
  let scenario: Scenario | undefined;
  try {
    scenario = read(markdown, options, issues);
  } catch (error) {
    // Last resort: a bug in the reader must still surface as a scenario problem, not a crash.
    issues.error(
      'mirra.scenario.invalid_input',
      `The scenario could not be read (${error instanceof Error ? error.message : String(error)}).`,
      'This is a bug in Mirra; please report it with the file.',
    );
  }
  if (issues.issues.length > 0 || scenario === undefined) throw new ScenarioError(issues.sortedIssues());
  return scenario;
}

function read(markdown: string | Uint8Array, options: ParseOptions, issues: IssueCollector): Scenario | undefined {
  const source = readInput(markdown, issues);
  if (source === undefined || !checkComplexity(source, issues)) return undefined;

  const root = parseMarkdown(source);
  const outline = readOutline(root, source, issues);
  const { sections } = outline;
  if (!outline.title) {
    issues.error('mirra.scenario.missing_title', 'Missing title: a scenario starts with one H1, e.g. "# Send Welcome Email on Signup".', "Add a '# Title' line at the top of the file.");
  }

  const criteria = readCriteria(sections.criteria, source, issues);
  const entries: ConfigEntry[] = readConfigLines(sections.config, source, issues).map((line) => ({
    key: line.key,
    value: line.value,
    at: { line: line.line, column: line.column },
  }));
  const fixtures = options.fixtures ?? loadFixtureCatalog();
  const config = resolveConfig(entries, { issues, fixtures, form: 'markdown' });

  const setup = sections.setup && blockSource(source, sections.setup.nodes);
  const prompt = sections.prompt && blockSource(source, sections.prompt.nodes);
  const expectedBehavior = sections.expectedBehavior && blockSource(source, sections.expectedBehavior.nodes);
  // Key order of the result: title, setup, prompt, expectedBehavior, criteria, config, file, warnings.
  const scenario: Scenario = {
    title: outline.title?.text ?? '',
    ...(setup !== undefined && { setup }),
    ...(prompt !== undefined && { prompt }),
    ...(expectedBehavior !== undefined && { expectedBehavior }),
    criteria,
    config,
  };
  if (options.file !== undefined) scenario.file = options.file;

  const agentEntry = entries.find((entry) => entry.key === 'agent');
  checkWholeScenario(scenario, issues, agentEntry?.at);
  scenario.warnings = issues.sortedWarnings();
  return scenario;
}
