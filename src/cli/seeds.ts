/** `--seed=<mirror>:<fixture>` and `--seed-file=path` → the `seeds` of a session request. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SeedInput } from '../client/index.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage-error.js';

const SEED = /^([a-z][a-z0-9-]*):([A-Za-z0-9._-]+)$/;

/** Parses repeated `--seed` flags; a mirror named twice or a malformed value is a usage error. */
export function parseSeedFlags(values: string[] | undefined, help: string): Record<string, SeedInput> {
  const seeds: Record<string, SeedInput> = {};
  for (const value of values ?? []) {
    const match = SEED.exec(value.trim());
    if (!match) throw new UsageError(`--seed must be <mirror>:<fixture> (e.g. --seed=resend:transactional-busy), got '${value}'.`, help);
    if (seeds[match[1]!] !== undefined) throw new UsageError(`--seed names the ${match[1]} mirror twice.`, help);
    seeds[match[1]!] = match[2]!;
  }
  return seeds;
}

/**
 * A seed document (docs/seed-format.md) for the mirror named in its `mirror` field, else
 * for the only mirror of the session. A missing or malformed file is a usage error.
 */
export async function readSeedFile(file: string, mirrors: string[], help: string): Promise<Record<string, SeedInput>> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (error) {
    throw new UsageError(`--seed-file ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, help);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--seed-file ${file} is not valid JSON: ${(error as Error).message}`, help);
  }
  const named = typeof data === 'object' && data !== null && typeof (data as { mirror?: unknown }).mirror === 'string' ? (data as { mirror: string }).mirror : undefined;
  const mirror = named ?? (mirrors.length === 1 ? mirrors[0] : undefined);
  if (!mirror) throw new UsageError(`--seed-file ${file} has no "mirror" field and the session has ${mirrors.length} mirrors; add "mirror": "<name>" to the file.`, help);
  return { [mirror]: { data } };
}

/** Every seeded mirror must be one of the session's. */
export function checkSeedMirrors(seeds: Record<string, SeedInput>, mirrors: string[], help: string): void {
  for (const mirror of Object.keys(seeds)) {
    if (!mirrors.includes(mirror)) throw new UsageError(`a seed names the ${mirror} mirror, which is not among the session's mirrors (${mirrors.join(', ') || 'none'}).`, help);
  }
}

export function noMirrorsError(): CliError {
  return new CliError('no mirrors detected in this project (no resend, stripe or twilio dependency or import).', EXIT.provisioningFailed, 'Name them: mirra up --mirrors=resend');
}
