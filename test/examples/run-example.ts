/**
 * Runs one of `examples/*` through Vitest with its own config and the embedded control
 * plane, exactly as `npm run demo` does, and collects the tests, the reporter's matrix and
 * `mirra-result.json`. No test may call a real LLM: the judge API keys are removed for the
 * run (judge criteria are then skipped) and put back afterwards.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { createVitest, type TestCase } from 'vitest/node';
import { MirraReporter } from '../../src/vitest/index.js';

export interface ExampleRun {
  root: string;
  tests: TestCase[];
  /** The reporter's output without colours. */
  matrix: string;
  /** Full names of the tests in a state, sorted. */
  byState(state: string): string[];
  /** `mirra-result.json`, one object per scenario. */
  results(): Record<string, unknown>[];
}

export async function runExample(name: string): Promise<ExampleRun> {
  const root = fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));
  const saved = { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, OPENAI_API_KEY: process.env.OPENAI_API_KEY };
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.OPENAI_API_KEY;
  rmSync(path.join(root, 'mirra-result.json'), { force: true });
  let matrix = '';
  let tests: TestCase[] = [];
  const exitCode = process.exitCode;
  const reporter = new MirraReporter({ write: (text) => void (matrix += stripVTControlCharacters(text)) });
  const vitest = await createVitest('test', { root, config: path.join(root, 'vitest.config.ts'), watch: false, reporters: [reporter] });
  try {
    await vitest.start();
    tests = [...vitest.state.getTestModules()].flatMap((m) => [...m.children.allTests()]);
  } finally {
    await vitest.close();
    process.exitCode = exitCode;
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
  return {
    root,
    tests,
    matrix,
    byState: (state) => tests.filter((t) => t.result().state === state).map((t) => t.fullName).sort(),
    results: () =>
      readFileSync(path.join(root, 'mirra-result.json'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
