/**
 * Seeds (docs/seed-format.md): resolving a `SeedRef` to a validated document, listing
 * fixtures, and the `<mirror>:<fixture>` shorthand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedRef } from './host-types.js';
import type { MirrorDefinition } from './definition.js';
import { MirrorEngineError, didYouMean } from './errors.js';
import { satisfiesRange } from './semver.js';

export interface SeedWebhook {
  id?: string;
  url: string;
  events?: string[];
  secret?: string;
}

export interface SeedDocument {
  mirror: string;
  name?: string;
  description?: string;
  mirrorVersion?: string;
  clock?: { now?: string; mode?: 'real' | 'manual' };
  settings?: Record<string, unknown>;
  records?: Record<string, Array<Record<string, unknown>>>;
  webhooks?: SeedWebhook[];
}

/** Where built-in fixtures live: `<package root>/fixtures/`, from both src/ and dist/. */
export function defaultFixturesDir(): string {
  return fileURLToPath(new URL('../../../fixtures/', import.meta.url));
}

export function listFixtures(fixturesDir: string, mirror: string): string[] {
  const dir = join(fixturesDir, mirror);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

const TOP_LEVEL = new Set(['$schema', 'mirror', 'name', 'description', 'mirrorVersion', 'clock', 'settings', 'records', 'webhooks']);

function invalid(source: string, problem: string): MirrorEngineError {
  return new MirrorEngineError('mirra.seed.invalid', `Invalid seed ${source}: ${problem}`, 'See docs/seed-format.md for the seed format.', 400);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a parsed seed against the format and the mirror's entities. */
export function validateSeed(doc: unknown, definition: MirrorDefinition, source: string): SeedDocument {
  if (!isObject(doc)) throw invalid(source, 'the document must be a JSON object.');
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.has(key)) {
      const near = didYouMean(key, [...TOP_LEVEL]);
      throw invalid(source, `unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}.`);
    }
  }
  if (doc.mirror !== undefined && doc.mirror !== definition.name) {
    throw invalid(source, `it is a seed for mirror '${String(doc.mirror)}', not '${definition.name}'.`);
  }
  if (doc.mirrorVersion !== undefined) {
    if (typeof doc.mirrorVersion !== 'string') throw invalid(source, "'mirrorVersion' must be a semver range string.");
    if (!satisfiesRange(definition.version, doc.mirrorVersion)) {
      throw invalid(source, `it was written for ${definition.name} ${doc.mirrorVersion}; this mirror is ${definition.version}.`);
    }
  }
  for (const key of ['name', 'description'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') throw invalid(source, `'${key}' must be a string.`);
  }
  if (doc.clock !== undefined) {
    if (!isObject(doc.clock)) throw invalid(source, "'clock' must be an object.");
    const { now, mode } = doc.clock;
    if (now !== undefined && (typeof now !== 'string' || !Number.isFinite(Date.parse(now)))) throw invalid(source, "'clock.now' must be an ISO 8601 time.");
    if (mode !== undefined && mode !== 'real' && mode !== 'manual') throw invalid(source, "'clock.mode' must be 'real' or 'manual'.");
  }
  if (doc.settings !== undefined && !isObject(doc.settings)) throw invalid(source, "'settings' must be an object.");
  const entities = definition.entities.map((e) => e.name);
  if (doc.records !== undefined) {
    if (!isObject(doc.records)) throw invalid(source, "'records' must be an object of entity → rows.");
    for (const [entity, rows] of Object.entries(doc.records)) {
      if (!entities.includes(entity)) {
        const near = didYouMean(entity, entities);
        throw invalid(source, `unknown entity '${entity}' in 'records'${near ? ` (did you mean '${near}'?)` : ''}; ${definition.name} has ${entities.join(', ') || 'no entities'}.`);
      }
      if (!Array.isArray(rows)) throw invalid(source, `'records.${entity}' must be an array.`);
      rows.forEach((row, i) => {
        if (!isObject(row)) throw invalid(source, `'records.${entity}[${i}]' must be an object.`);
        if (typeof row.id !== 'string' || row.id === '') throw invalid(source, `'records.${entity}[${i}]' must have a string 'id'.`);
      });
    }
  }
  if (doc.webhooks !== undefined) {
    if (!Array.isArray(doc.webhooks)) throw invalid(source, "'webhooks' must be an array.");
    doc.webhooks.forEach((w, i) => {
      if (!isObject(w) || typeof w.url !== 'string') throw invalid(source, `'webhooks[${i}]' must be an object with a string 'url'.`);
      if (w.events !== undefined && (!Array.isArray(w.events) || w.events.some((e) => typeof e !== 'string'))) {
        throw invalid(source, `'webhooks[${i}].events' must be an array of strings.`);
      }
    });
  }
  return { ...(doc as unknown as SeedDocument), mirror: definition.name };
}

/** `stripe:dunning-active` or `dunning-active` → the fixture name, refusing another mirror's. */
export function parseSeedSpec(spec: string, mirror: string): string {
  const colon = spec.indexOf(':');
  if (colon === -1) return spec;
  const prefix = spec.slice(0, colon);
  if (prefix !== mirror) {
    throw new MirrorEngineError(
      'mirra.seed.wrong_mirror',
      `Seed '${spec}' is for mirror '${prefix}', not '${mirror}'.`,
      `Use '${mirror}:<fixture>' or the fixture name alone.`,
      400,
    );
  }
  return spec.slice(colon + 1);
}

export function resolveSeed(ref: SeedRef | undefined, definition: MirrorDefinition, fixturesDir: string): SeedDocument {
  if (ref?.data !== undefined) return validateSeed(ref.data, definition, 'data');
  if (ref?.file !== undefined) return validateSeed(readJson(ref.file, ref.file), definition, `file ${ref.file}`);
  if (ref?.fixture !== undefined && ref.fixture !== '') {
    const name = parseSeedSpec(ref.fixture, definition.name);
    const available = listFixtures(fixturesDir, definition.name);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !available.includes(name)) {
      const near = didYouMean(name, available);
      throw new MirrorEngineError(
        'mirra.seed.unknown_fixture',
        `Unknown fixture '${name}' for mirror '${definition.name}'.${near ? ` Did you mean '${near}'?` : ''}`,
        available.length ? `Available fixtures: ${available.join(', ')}.` : `Mirror '${definition.name}' has no built-in fixtures.`,
        400,
        { available },
      );
    }
    const file = join(fixturesDir, definition.name, `${name}.json`);
    return validateSeed(readJson(file, `fixture ${definition.name}:${name}`), definition, `fixture ${definition.name}:${name}`);
  }
  return { mirror: definition.name, name: 'empty', records: {}, webhooks: [] };
}

function readJson(path: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(label, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid(label, `not valid JSON (${(err as Error).message}).`);
  }
}
