/** A scenario's `fixture:` / `fixture-file:` → the `seeds` of `POST /v1/sessions`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SeedInput } from '../client/index.js';
import type { Scenario } from '../scenario/index.js';
import { setupSeeds } from './setup-seed.js';

export class SeedFileError extends Error {
  override readonly name = 'SeedFileError';
}

/**
 * Mirrors without an explicit seed get what `## Setup` states (see `setup-seed.ts`).
 *
 * `fixture: resend:transactional-busy` → `{ resend: 'transactional-busy' }`;
 * `fixture-file: ./seed.json` (relative to the scenario file; it wins over `fixture:`) →
 * `{ <mirror>: { data } }`, the mirror taken from the file's `mirror` field, else the
 * scenario's only (first) mirror.
 */
export async function scenarioSeeds(scenario: Scenario, scenarioFile: string): Promise<Record<string, SeedInput>> {
  const explicit = await explicitSeeds(scenario, scenarioFile);
  return { ...explicit, ...setupSeeds(scenario, explicit) };
}

async function explicitSeeds(scenario: Scenario, scenarioFile: string): Promise<Record<string, SeedInput>> {
  const { fixture, fixtureFile, mirrors } = scenario.config;
  if (fixtureFile) {
    const file = path.resolve(path.dirname(scenarioFile), fixtureFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new SeedFileError(`fixture-file '${fixtureFile}' could not be read at ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Paths are relative to the scenario file.`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SeedFileError(`fixture-file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    const named = typeof data === 'object' && data !== null && typeof (data as { mirror?: unknown }).mirror === 'string' ? (data as { mirror: string }).mirror : undefined;
    const vendor = named ?? mirrors[0];
    if (!vendor) throw new SeedFileError(`fixture-file ${file}: the scenario names no mirror to seed.`);
    return { [vendor]: { data } };
  }
  if (fixture) {
    const colon = fixture.indexOf(':');
    const vendor = colon > 0 ? fixture.slice(0, colon) : mirrors[0];
    const name = colon > 0 ? fixture.slice(colon + 1) : fixture;
    return vendor ? { [vendor]: name } : {};
  }
  return {};
}
