import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
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
      for (const file of await glob('**/*.md', { cwd: path, absolute: true, ignore: ['**/node_modules/**'] })) {
        if (isScenarioFile(file, path, cwd)) files.add(file);
      }
    } else if (info?.isFile()) {
      files.add(path);
    } else {
      throw new MissingPathError(input);
    }
  }
  return [...files].sort();
}

/**
 * `*.scenario.md`, or a `.md` below a `scenarios` folder — counted from the working
 * directory (so `mirra check scenarios` and `mirra check .` agree), or from the argument's
 * parent when it lies outside the working directory.
 */
function isScenarioFile(file: string, dir: string, cwd: string): boolean {
  if (file.toLowerCase().endsWith('.scenario.md')) return true;
  let rel = relative(cwd, file);
  if (rel.startsWith('..') || isAbsolute(rel)) rel = relative(dirname(dir), file);
  return rel.split(sep).slice(0, -1).includes('scenarios');
}

export class MissingPathError extends Error {
  constructor(readonly path: string) {
    super(`No such file or directory: ${path}`);
    this.name = 'MissingPathError';
  }
}
