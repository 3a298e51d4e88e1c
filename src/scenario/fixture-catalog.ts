/**
 * The names of the built-in fixtures, read from the package's `fixtures/<mirror>/<name>.json`
 * files (so adding a fixture file is all it takes), cached per folder. Tests and callers
 * can pass their own catalog instead.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Fixture names per mirror: `{ resend: ['empty', 'transactional-busy', ...] }`. */
export type FixtureCatalog = Readonly<Record<string, readonly string[]>>;

/** `fixtures/` of this package; the same relative path from `src/scenario/` and `dist/scenario/`. */
export const BUILTIN_FIXTURES_DIR = new URL('../../fixtures/', import.meta.url);

const cache = new Map<string, FixtureCatalog>();

/** Reads (once per folder) the fixture names under `dir`; a missing folder is an empty catalog. */
export function loadFixtureCatalog(dir: URL | string = BUILTIN_FIXTURES_DIR): FixtureCatalog {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const cached = cache.get(path);
  if (cached) return cached;
  const catalog: Record<string, string[]> = {};
  for (const mirror of listDir(path)) {
    if (!mirror.isDirectory()) continue;
    const names = listDir(`${path}/${mirror.name}`)
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name.slice(0, -'.json'.length))
      .sort();
    catalog[mirror.name] = names;
  }
  const frozen = Object.freeze(catalog);
  cache.set(path, frozen);
  return frozen;
}

/** Forgets cached catalogs (after fixture files were added or removed at runtime). */
export function clearFixtureCatalogCache(): void {
  cache.clear();
}

function listDir(path: string) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}
