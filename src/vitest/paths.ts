/** Absolute paths of the modules the plugin hands to Vitest (works from `src/` and from `dist/`). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function sibling(name: string): string {
  for (const ext of ['.js', '.ts']) {
    const file = fileURLToPath(new URL(`./${name}${ext}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(`mirra: cannot find ${name}.js next to ${fileURLToPath(import.meta.url)}; is the package built?`);
}

export const modulePaths = {
  get scenarioRuntime(): string {
    return sibling('scenario-runtime');
  },
  get globalSetup(): string {
    return sibling('global-setup');
  },
  get setupFile(): string {
    return sibling('setup-file');
  },
};
