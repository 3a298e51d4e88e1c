import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** What a directory argument stands for: the same files the Vitest plugin picks up. */
export const DEFAULT_SCENARIO_GLOBS = ['**/*.scenario.md', '**/scenarios/**/*.md'];

/**
 * Turn the paths and globs given on the command line into scenario files.
 * A directory stands for the scenario files below it (`DEFAULT_SCENARIO_GLOBS`), so its
 * README and other notes are not mistaken for scenarios.
 */
export async function expandScenarioPaths(inputs: string[], cwd = process.cwd()): Promise<string[]> {
  const files = new Set<string>();
  for (const input of inputs) {
    if (isDynamicPattern(input)) {
      for (const file of await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] })) files.add(file);
      continue;
    }
    const path = resolve(cwd, input);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      for (const file of await glob(DEFAULT_SCENARIO_GLOBS, { cwd: path, absolute: true, ignore: ['**/node_modules/**'] })) files.add(file);
    } else if (info?.isFile()) {
      files.add(path);
    } else {
      throw new MissingPathError(input);
    }
  }
  return [...files].sort();
}

export class MissingPathError extends Error {
  constructor(readonly path: string) {
    super(`No such file or directory: ${path}`);
    this.name = 'MissingPathError';
  }
}
