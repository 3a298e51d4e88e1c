/** Runs Vitest programmatically on a fixture project and collects its results. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest, type Reporter, type TestCase, type TestModule, type Vitest } from 'vitest/node';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FixtureRun {
  modules: TestModule[];
  tests: TestCase[];
  /** `fullName` → test case. */
  byName: Map<string, TestCase>;
}

export function fixtureRoot(name: string): string {
  return path.join(FIXTURES, name);
}

/** A Vitest instance on the fixture, with its own vitest.config.ts; closed by the caller. */
export function fixtureVitest(name: string, reporters: Reporter[] = [{}]): Promise<Vitest> {
  const root = fixtureRoot(name);
  return createVitest('test', { root, config: path.join(root, 'vitest.config.ts'), watch: false, includeTaskLocation: true, reporters });
}

/** Runs every test file of the fixture (or `filters`). */
export async function runFixture(name: string, options: { filters?: string[]; reporters?: Reporter[] } = {}): Promise<FixtureRun> {
  const exitCode = process.exitCode;
  const vitest = await fixtureVitest(name, options.reporters);
  try {
    await vitest.start(options.filters);
    const modules = [...vitest.state.getTestModules()];
    const tests = modules.flatMap((m) => [...m.children.allTests()]);
    return { modules, tests, byName: new Map(tests.map((t) => [t.fullName, t])) };
  } finally {
    await vitest.close();
    process.exitCode = exitCode;
  }
}

/** `fullName` → state, for exact assertions. */
export function states(run: FixtureRun): Record<string, string> {
  return Object.fromEntries(run.tests.map((t) => [t.fullName, t.result().state]));
}

export function errorOf(test: TestCase | undefined): string {
  const errors = test?.result().errors ?? [];
  return errors.map((e) => e.message).join('\n');
}
