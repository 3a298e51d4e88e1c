/**
 * `mirra/vitest`: scenario `.md` files as Vitest suites, and mirrors for plain tests.
 *
 *   // vitest.config.ts
 *   import { defineConfig } from 'vitest/config';
 *   import { withMirra } from 'mirra/vitest';
 *   export default defineConfig(withMirra({ mirrors: ['resend'], resetBetweenTests: true }));
 */
import type { ViteUserConfig } from 'vitest/config';
import { mirra } from './plugin.js';
import type { MirraOptions } from './options.js';
import MirraReporter from './reporter.js';

export { mirra } from './plugin.js';
export { resetMirraMirrors, waitForWebhook, useMirraSession, type MirraSessionInfo, type WaitForWebhookOptions, type WebhookEvent } from './helpers.js';
export { defineDriver, type Driver, type DriverContext, type DriverResult, type DriverMirror, type DriverLog } from '../runtime/driver.js';
export { default as MirraReporter, type MirraReporterOptions } from './reporter.js';
export { DEFAULT_SCENARIO_GLOBS, DEFAULT_CACHE_FILE, DEFAULT_RESULT_FILE, type MirraOptions } from './options.js';
export { defineCheck, defineEvaluator, anthropic, openai } from '../evaluate/index.js';
export type { Evaluator, JudgeInput, JudgeVerdict, CriterionResult, RunCapture } from '../evaluate/types.js';

type Reporters = NonNullable<NonNullable<ViteUserConfig['test']>['reporters']>;

/**
 * A Vitest config with the mirra plugin and, next to the user's reporters (default:
 * `'default'`), the runs × criteria reporter. Pass your own config as the second argument
 * to merge into it.
 */
export function withMirra(options: MirraOptions = {}, config: ViteUserConfig = {}): ViteUserConfig {
  const test = config.test ?? {};
  const existing = test.reporters === undefined ? ['default'] : Array.isArray(test.reporters) ? [...test.reporters] : [test.reporters];
  const reporter = new MirraReporter({ outputFile: options.resultFile ?? undefined, silent: options.quiet ?? false });
  const reporters = [...existing, reporter] as Reporters;
  return {
    ...config,
    plugins: [...(config.plugins ?? []), mirra(options)],
    test: { ...test, reporters },
  };
}
