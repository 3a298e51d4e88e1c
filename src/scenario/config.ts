/**
 * Interprets configuration values into a ScenarioConfig, for both forms: `## Config` lines
 * (values are strings) and the JSON `config` object (values are typed). Every problem is
 * reported to the collector; defaults fill what is missing.
 */
import type { FixtureCatalog } from './fixture-catalog.js';
import type { IssueCollector, Position } from './issues.js';
import { suggest } from './suggest.js';
import { AGENTS, CONFIG_DEFAULTS, MIRROR_CATALOG, type ScenarioConfig } from './types.js';

/** Config keys as written in markdown, with their JSON names. */
export const CONFIG_KEYS = {
  mirrors: 'mirrors',
  fixture: 'fixture',
  'fixture-file': 'fixtureFile',
  'mirror-version': 'mirrorVersion',
  timeout: 'timeout',
  runs: 'runs',
  agent: 'agent',
  'judge-model': 'judgeModel',
  persistent: 'persistent',
  driver: 'driver',
} as const satisfies Record<string, keyof ScenarioConfig>;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Judge models named by the spec; others are allowed (judges are pluggable). */
export const KNOWN_JUDGE_MODELS = ['claude-haiku-4-5', 'gpt-4o-mini', 'claude-sonnet-4-6'] as const;

/** `stripe@0.7.3`, `resend@1.2.0-beta.1+build.5` */
const MIRROR_VERSION = /^([a-z][a-z0-9-]{0,31})@(\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.-]{1,64})?(?:\+[0-9A-Za-z.-]{1,64})?)$/;

export interface ConfigEntry {
  /** Canonical (kebab-case) key; unknown keys as written, kebab-cased. */
  key: string;
  value: unknown;
  at: Position;
}

export interface ConfigContext {
  issues: IssueCollector;
  fixtures: FixtureCatalog;
  /** How key names are shown in messages: `judge-model` (markdown) or `config.judgeModel` (json). */
  form: 'markdown' | 'json';
}

const isKnownKey = (key: string): key is ConfigKey => Object.hasOwn(CONFIG_KEYS, key);

export function resolveConfig(entries: readonly ConfigEntry[], ctx: ConfigContext): ScenarioConfig {
  const { issues } = ctx;
  const name = (key: ConfigKey): string => (ctx.form === 'json' ? `config.${CONFIG_KEYS[key]}` : key);
  const byKey = new Map<ConfigKey, ConfigEntry>();

  for (const entry of entries) {
    if (!isKnownKey(entry.key)) {
      warnUnknownKey(entry, ctx);
      continue;
    }
    const first = byKey.get(entry.key);
    if (first) {
      const where = first.at.line !== undefined ? ` (first at line ${first.at.line})` : '';
      issues.error('mirra.scenario.invalid_config', `Config key '${name(entry.key)}' is set twice${where}.`, 'Keep one of the two lines.', entry.at);
      continue;
    }
    byKey.set(entry.key, entry);
  }

  const config: ScenarioConfig = {
    mirrors: [],
    timeout: CONFIG_DEFAULTS.timeout,
    runs: CONFIG_DEFAULTS.runs,
    agent: CONFIG_DEFAULTS.agent,
    judgeModel: CONFIG_DEFAULTS.judgeModel,
    persistent: CONFIG_DEFAULTS.persistent,
  };

  const get = (key: ConfigKey) => byKey.get(key);

  const mirrorsEntry = get('mirrors');
  const listedMirrors = mirrorsEntry ? readMirrors(mirrorsEntry, name('mirrors'), ctx) : undefined;

  for (const key of ['timeout', 'runs'] as const) {
    const entry = get(key);
    if (!entry) continue;
    const value = positiveInteger(entry.value);
    if (value === undefined) {
      const hint =
        key === 'timeout'
          ? "The timeout is a whole number of seconds per run, e.g. 'timeout: 90'."
          : "runs is how many times the scenario is executed, at least 1, e.g. 'runs: 3'.";
      issues.error('mirra.scenario.invalid_config', `Invalid ${name(key)}: ${show(entry.value)} is not a positive whole number.`, hint, entry.at);
    } else config[key] = value;
  }

  const agent = get('agent');
  if (agent) {
    const value = typeof agent.value === 'string' ? agent.value.trim().toLowerCase() : undefined;
    if (value !== undefined && (AGENTS as readonly string[]).includes(value)) config.agent = value;
    else {
      const near = value !== undefined ? suggest(value, AGENTS) : undefined;
      issues.error(
        'mirra.scenario.invalid_config',
        `Unknown ${name('agent')} ${show(agent.value)}.`,
        `${near ? `Did you mean '${near}'? ` : ''}Agents: ${AGENTS.join(', ')}.`,
        agent.at,
      );
    }
  }

  const judgeModel = get('judge-model');
  if (judgeModel) {
    const value = nonEmptyToken(judgeModel.value);
    if (value === undefined) {
      issues.error(
        'mirra.scenario.invalid_config',
        `Invalid ${name('judge-model')}: ${show(judgeModel.value)}.`,
        `Name one model, e.g. '${KNOWN_JUDGE_MODELS[0]}'. Known models: ${KNOWN_JUDGE_MODELS.join(', ')}.`,
        judgeModel.at,
      );
    } else {
      config.judgeModel = value;
      const near = (KNOWN_JUDGE_MODELS as readonly string[]).includes(value) ? undefined : suggest(value, KNOWN_JUDGE_MODELS, 3);
      if (near) issues.warn('mirra.scenario.unknown_judge_model', `Judge model '${value}' is not a known model; did you mean '${near}'?`, judgeModel.at.line);
    }
  }

  const persistent = get('persistent');
  if (persistent) {
    const value = toBoolean(persistent.value);
    if (value === undefined) {
      issues.error('mirra.scenario.invalid_config', `Invalid ${name('persistent')}: ${show(persistent.value)} is not true or false.`, "Write 'persistent: true' or 'persistent: false'.", persistent.at);
    } else config.persistent = value;
  }

  for (const key of ['fixture-file', 'driver'] as const) {
    const entry = get(key);
    if (!entry) continue;
    const value = typeof entry.value === 'string' ? entry.value.trim() : '';
    if (value === '') {
      issues.error('mirra.scenario.invalid_config', `Invalid ${name(key)}: expected a path, got ${show(entry.value)}.`, `Give a path relative to the scenario file, e.g. '${key}: ./${key === 'driver' ? 'driver.ts' : 'seeds/my-seed.json'}'.`, entry.at);
    } else config[CONFIG_KEYS[key]] = value;
  }

  const versionEntry = get('mirror-version');
  let versionMirror: string | undefined;
  if (versionEntry) {
    const value = typeof versionEntry.value === 'string' ? versionEntry.value.trim() : undefined;
    const found = value !== undefined ? MIRROR_VERSION.exec(value.toLowerCase()) : null;
    if (!found) {
      issues.error(
        'mirra.scenario.invalid_config',
        `Invalid ${name('mirror-version')}: ${show(versionEntry.value)} is not '<mirror>@<version>'.`,
        "Pin one mirror with a semantic version, e.g. 'mirror-version: stripe@0.7.3'.",
        versionEntry.at,
      );
    } else if (checkMirrorName(found[1], versionEntry, name('mirror-version'), ctx)) {
      versionMirror = found[1];
      config.mirrorVersion = `${found[1]}@${found[2]}`;
      if (listedMirrors && !listedMirrors.includes(versionMirror)) {
        issues.error(
          'mirra.scenario.invalid_config',
          `${name('mirror-version')} pins ${versionMirror}, which is not in ${name('mirrors')} (${listedMirrors.join(', ') || 'none'}).`,
          `Add ${versionMirror} to ${name('mirrors')}, or pin one of the listed mirrors.`,
          versionEntry.at,
        );
      }
    }
  }

  const fixtureEntry = get('fixture');
  const fixtureMirror = fixtureEntry ? qualifiedMirror(fixtureEntry.value) : undefined;

  // Mirrors: as listed; otherwise inferred from a qualified fixture and a version pin.
  if (listedMirrors) config.mirrors = listedMirrors;
  else {
    const inferred = [fixtureMirror, versionMirror].filter(
      (mirror): mirror is string => mirror !== undefined && (MIRROR_CATALOG as readonly string[]).includes(mirror),
    );
    config.mirrors = [...new Set(inferred)];
  }

  if (fixtureEntry) {
    const fixture = resolveFixture(fixtureEntry, config.mirrors, listedMirrors !== undefined, name, ctx);
    if (fixture) config.fixture = fixture;
  }

  if (config.fixture && config.fixtureFile) {
    issues.warn(
      'mirra.scenario.fixture_overridden',
      `Both ${name('fixture-file')} and ${name('fixture')} are set; the fixture file '${config.fixtureFile}' is used and '${config.fixture}' is ignored.`,
      fixtureEntry?.at.line,
    );
  }
  return inKeyOrder(config);
}

/** The config with its keys in the documented order, so JSON output is stable. */
function inKeyOrder(config: ScenarioConfig): ScenarioConfig {
  const ordered = {} as Record<string, unknown>;
  for (const key of ['mirrors', ...Object.values(CONFIG_KEYS).filter((key) => key !== 'mirrors')]) {
    const value = (config as unknown as Record<string, unknown>)[key];
    if (value !== undefined) ordered[key] = value;
  }
  return ordered as unknown as ScenarioConfig;
}

function readMirrors(entry: ConfigEntry, key: string, ctx: ConfigContext): string[] | undefined {
  const raw = entry.value;
  let names: unknown[];
  if (typeof raw === 'string') names = raw.split(/[\s,]+/);
  else if (Array.isArray(raw)) names = raw.flatMap((item) => (typeof item === 'string' ? item.split(/[\s,]+/) : [item]));
  else names = [raw];
  if (names.some((item) => typeof item !== 'string')) {
    ctx.issues.error('mirra.scenario.invalid_config', `Invalid ${key}: expected mirror names, got ${show(raw)}.`, `List mirrors by name, e.g. 'mirrors: resend, twilio'. Catalog: ${MIRROR_CATALOG.join(', ')}.`, entry.at);
    return undefined;
  }
  const wanted = [...new Set((names as string[]).map((item) => item.trim().toLowerCase()).filter((item) => item !== ''))];
  if (wanted.length === 0) {
    ctx.issues.error('mirra.scenario.invalid_config', `${key} is empty.`, `List at least one mirror, e.g. 'mirrors: resend', or remove the line. Catalog: ${MIRROR_CATALOG.join(', ')}.`, entry.at);
    return undefined;
  }
  // Unknown names are reported; the known ones still count, so later checks stay meaningful.
  const known = wanted.filter((mirror) => checkMirrorName(mirror, entry, key, ctx));
  return known.length > 0 ? known : undefined;
}

function checkMirrorName(mirror: string, entry: ConfigEntry, key: string, ctx: ConfigContext): boolean {
  if ((MIRROR_CATALOG as readonly string[]).includes(mirror)) return true;
  const near = suggest(mirror, MIRROR_CATALOG);
  ctx.issues.error(
    'mirra.scenario.unknown_mirror',
    `Unknown mirror '${mirror}' in ${key}: it is not in the catalog (${MIRROR_CATALOG.join(', ')}).`,
    near ? `Did you mean '${near}'?` : `Mirra has mirrors for ${MIRROR_CATALOG.join(', ')}; remove '${mirror}' or drive that service yourself.`,
    entry.at,
  );
  return false;
}

function qualifiedMirror(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  return colon > 0 ? value.slice(0, colon).trim().toLowerCase() : undefined;
}

function resolveFixture(
  entry: ConfigEntry,
  mirrors: readonly string[],
  mirrorsListed: boolean,
  name: (key: ConfigKey) => string,
  ctx: ConfigContext,
): string | undefined {
  const { issues, fixtures } = ctx;
  const value = typeof entry.value === 'string' ? entry.value.trim() : '';
  if (value === '') {
    issues.error('mirra.scenario.invalid_config', `Invalid ${name('fixture')}: expected a fixture name, got ${show(entry.value)}.`, "Name a built-in fixture, e.g. 'fixture: resend:transactional-busy'.", entry.at);
    return undefined;
  }
  const colon = value.indexOf(':');
  let mirror: string;
  const fixtureName = (colon === -1 ? value : value.slice(colon + 1)).trim();
  if (colon === -1) {
    if (mirrors.length !== 1) {
      const owners = Object.keys(fixtures).filter((owner) => (MIRROR_CATALOG as readonly string[]).includes(owner) && fixtures[owner].includes(fixtureName));
      const candidates = (mirrors.length > 1 ? owners.filter((owner) => mirrors.includes(owner)) : owners).map((owner) => `'${name('fixture')}: ${owner}:${fixtureName}'`);
      const why = mirrors.length === 0 ? `no mirrors are listed` : `${mirrors.length} mirrors are listed (${mirrors.join(', ')})`;
      const hint =
        candidates.length > 0
          ? `Qualify it as ${candidates.join(' or ')}${mirrors.length === 0 ? `, or add '${name('mirrors')}: ${owners[0]}'` : ''}.`
          : `Qualify it as '<mirror>:${fixtureName}'${mirrors.length === 0 ? ` or add ${name('mirrors')}` : ''}.`;
      issues.error('mirra.scenario.ambiguous_fixture', `Fixture '${fixtureName}' has no mirror prefix and ${why}, so it is ambiguous.`, hint, entry.at);
      return undefined;
    }
    mirror = mirrors[0];
  } else {
    mirror = value.slice(0, colon).trim().toLowerCase();
    if (!checkMirrorName(mirror, entry, name('fixture'), ctx)) return undefined;
    if (mirrorsListed && !mirrors.includes(mirror)) {
      issues.error(
        'mirra.scenario.invalid_config',
        `${name('fixture')} '${value}' seeds ${mirror}, which is not in ${name('mirrors')} (${mirrors.join(', ') || 'none'}).`,
        `Add ${mirror} to ${name('mirrors')}, or pick a fixture of a listed mirror.`,
        entry.at,
      );
      return undefined;
    }
  }
  const available = fixtures[mirror] ?? [];
  if (!available.includes(fixtureName)) {
    const near = suggest(fixtureName, available);
    const list = available.length > 0 ? `Fixtures for ${mirror}: ${available.join(', ')}.` : `There are no built-in fixtures for ${mirror}.`;
    issues.error(
      'mirra.scenario.unknown_fixture',
      `Unknown fixture '${mirror}:${fixtureName}'.`,
      `${near ? `Did you mean '${mirror}:${near}'? ` : ''}${list} For your own seed, use 'fixture-file:'.`,
      entry.at,
    );
    return undefined;
  }
  return `${mirror}:${fixtureName}`;
}

function warnUnknownKey(entry: ConfigEntry, ctx: ConfigContext): void {
  const known = ctx.form === 'json' ? Object.values(CONFIG_KEYS) : Object.keys(CONFIG_KEYS);
  const near = suggest(entry.key, known);
  const shown = ctx.form === 'json' ? `config.${entry.key}` : entry.key;
  ctx.issues.warn(
    'mirra.scenario.unknown_config_key',
    `Unknown config key '${shown}' is ignored${near ? `; did you mean '${near}'?` : ` (known keys: ${known.join(', ')}).`}`,
    entry.at.line,
  );
}

function positiveInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return undefined;
  const number = Number(value.trim());
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (word === 'true' || word === 'yes' || word === 'on') return true;
  if (word === 'false' || word === 'no' || word === 'off') return false;
  return undefined;
}

function nonEmptyToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const token = value.trim();
  return token !== '' && !/\s/.test(token) ? token : undefined;
}

/** A value as shown in a message: `'zero'`, `-1`, `an empty value`. */
function show(value: unknown): string {
  if (value === '' || (Array.isArray(value) && value.length === 0)) return 'an empty value';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === null || value === undefined) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
