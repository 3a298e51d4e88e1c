/**
 * `formatScenario`: Scenario → canonical markdown. Canonical means: sections in the
 * documented order under their canonical headings, criteria as `- ` list items (with a
 * `check:` / `judge:` prefix only when the tag was explicit, so `inferred` survives), and
 * only the config keys whose value differs from the default.
 *
 * For every parsed scenario `s`, `parseScenario(formatScenario(s), { file: s.file })`
 * equals `s` except for `line` numbers and for warnings about text a Scenario does not keep
 * (unknown config keys, ignored config lines, ignored sections). Formatting is a fixpoint:
 * formatting the re-parsed scenario gives the same text.
 */
import { CONFIG_DEFAULTS, type Criterion, type Scenario, type ScenarioConfig } from './types.js';

export function formatScenario(scenario: Scenario): string {
  const blocks: string[] = [`# ${oneLine(scenario.title)}`];
  const section = (heading: string, body: string | undefined) => {
    if (body !== undefined && body.trim() !== '') blocks.push(`## ${heading}\n\n${body.trim()}`);
  };
  section('Setup', scenario.setup);
  section('Prompt', scenario.prompt);
  section('Expected Behavior', scenario.expectedBehavior);
  blocks.push(`## Success Criteria\n\n${scenario.criteria.map(formatCriterion).join('\n')}`);
  const config = formatConfig(scenario.config);
  if (config.length > 0) blocks.push(`## Config\n\n${config.join('\n')}`);
  return `${blocks.join('\n\n')}\n`;
}

function formatCriterion(criterion: Criterion): string {
  const prefix = criterion.inferred === true ? '' : `${criterion.tag}: `;
  const [first, ...rest] = criterion.text.trim().split('\n');
  const continuation = rest.map((line) => (line.trim() === '' ? '' : `  ${line}`));
  return [`- ${prefix}${first}`, ...continuation].join('\n');
}

/** `key: value` lines for the non-default config values, in the documented key order. */
export function formatConfig(config: ScenarioConfig): string[] {
  const lines: string[] = [];
  const add = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) lines.push(`${key}: ${quoteIfNeeded(String(value))}`);
  };
  if (config.mirrors.length > 0) add('mirrors', config.mirrors.join(', '));
  add('fixture', config.fixture);
  add('fixture-file', config.fixtureFile);
  add('mirror-version', config.mirrorVersion);
  if (config.timeout !== CONFIG_DEFAULTS.timeout) add('timeout', config.timeout);
  if (config.runs !== CONFIG_DEFAULTS.runs) add('runs', config.runs);
  if (config.agent !== CONFIG_DEFAULTS.agent) add('agent', config.agent);
  if (config.judgeModel !== CONFIG_DEFAULTS.judgeModel) add('judge-model', config.judgeModel);
  if (config.persistent !== CONFIG_DEFAULTS.persistent) add('persistent', config.persistent);
  add('driver', config.driver);
  return lines;
}

/** Quotes values the config reader would otherwise change: ` #` comments, edge quotes. */
function quoteIfNeeded(value: string): string {
  const risky = /[ \t]#/.test(value) || /^["'`[]/.test(value) || value !== value.trim();
  if (!risky) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
