/**
 * The Vite/Vitest plugin: adds the scenario globs to each project's `include` (appending,
 * never replacing), registers the global setup (embedded control plane) and the worker
 * setup file (plain-test sessions), hands the resolved options to workers with
 * `project.provide`, and transforms scenario `.md` files into test modules with a source map.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { escapePath } from 'tinyglobby';
import type { Plugin } from 'vitest/config';
import type { TestProject } from 'vitest/node';
import { generateScenarioModule } from './codegen.js';
import { optionsRegistry, resolveWorkerConfig, scenarioGlobs, type MirraOptions } from './options.js';
import { modulePaths } from './paths.js';
import { runOverrides } from './run-overrides.js';


export function mirra(options: MirraOptions = {}): Plugin {
  const registryId = randomUUID();
  optionsRegistry().set(registryId, options);
  const globs = scenarioGlobs(options.scenarios);
  const projects = new Set<TestProject>();
  let runtimePath: string | undefined;
  let root = process.cwd();

  const isScenarioModule = (id: string): boolean => {
    if (id.includes('?') || id.startsWith('\0') || !id.toLowerCase().endsWith('.md')) return false;
    for (const project of projects) if (project.matchesTestGlob(id)) return true;
    return false;
  };

  return {
    name: 'mirra',
    enforce: 'pre',
    config() {
      return { test: { globalSetup: [modulePaths.globalSetup], setupFiles: [modulePaths.setupFile] } };
    },
    configResolved(config) {
      root = config.root;
    },
    configureVitest(context) {
      const { project } = context;
      projects.add(project);
      const include = project.config.include;
      for (const glob of globs) if (!include.includes(glob)) include.push(glob);
      // `mirra run <file>`: the named files run even when no scenario glob matches them.
      for (const file of runOverrides()?.files ?? []) {
        const rel = path.relative(project.config.root, file).split(path.sep).join('/');
        const glob = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? escapePath(rel) : escapePath(file);
        if (!include.includes(glob)) include.push(glob);
      }
      project.provide('mirraConfig', resolveWorkerConfig(options, project.config.root, registryId));
      // Never cache generated scenario modules on disk: they depend on Mirra's own codegen and
      // parser, which a rebuilt or linked Mirra changes without touching the lockfile (Vitest 5
      // turns `fsModuleCache` on by default). Regenerating is only a markdown parse.
      const noDiskCache = ({ id }: { id: string }) => (isScenarioModule(id) ? (false as const) : undefined);
      const ctx = context as typeof context & { defineCacheKeyGenerator?: typeof context.experimental_defineCacheKeyGenerator };
      if (ctx.defineCacheKeyGenerator) ctx.defineCacheKeyGenerator(noDiskCache);
      else ctx.experimental_defineCacheKeyGenerator?.(noDiskCache);
    },
    transform(code, id) {
      if (!isScenarioModule(id)) return undefined;
      runtimePath ??= modulePaths.scenarioRuntime;
      const projectRoot = [...projects].find((p) => p.matchesTestGlob(id))?.config.root ?? root;
      const overrides = runOverrides();
      const generated = generateScenarioModule({ file: id, source: code, root: projectRoot, runtime: runtimePath, ...(overrides ? { overrides } : {}) });
      return { code: generated.code, map: generated.map };
    },
  };
}
