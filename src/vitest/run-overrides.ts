/**
 * Overrides `mirra run` puts on top of each scenario's `## Config` (flags win over the
 * file). They live on globalThis under a registered symbol because the plugin instance
 * that transforms the scenarios may come from the user's vitest.config (its own copy of
 * this module, bundled by Vite's config loader), not from the CLI's.
 */
import type { Scenario } from '../scenario/index.js';

export interface RunOverrides {
  /** `--runs`. */
  runs?: number;
  /** `--timeout`, in seconds per run. */
  timeout?: number;
  /** `--fixture=<mirror>:<name>`: replaces the seed of that mirror (and `fixture-file:`) in scenarios that use it. */
  fixture?: string;
  /** `--driver`: absolute path of the driver module; wins over `driver:` and sibling drivers. */
  driver?: string;
  /** `--session`: run in this existing session (id or name) instead of creating one; it is reset, never deleted. */
  sessionId?: string;
  /** Absolute scenario files to add to Vitest's `include` (so a file outside the scenario globs still runs). */
  files?: string[];
}

const KEY = Symbol.for('mirra.vitest.runOverrides');

type Slot = { [KEY]?: RunOverrides | undefined };

export function setRunOverrides(overrides: RunOverrides | undefined): void {
  (globalThis as Slot)[KEY] = overrides;
}

export function runOverrides(): RunOverrides | undefined {
  return (globalThis as Slot)[KEY];
}

/** The scenario with the flags applied to its config (a copy; the input is not changed). */
export function applyRunOverrides(scenario: Scenario, overrides: RunOverrides | undefined): Scenario {
  if (!overrides) return scenario;
  const config = { ...scenario.config };
  if (overrides.runs !== undefined) config.runs = overrides.runs;
  if (overrides.timeout !== undefined) config.timeout = overrides.timeout;
  if (overrides.driver !== undefined) config.driver = overrides.driver;
  if (overrides.fixture !== undefined) {
    const mirror = overrides.fixture.slice(0, overrides.fixture.indexOf(':'));
    if (config.mirrors.includes(mirror)) {
      config.fixture = overrides.fixture;
      delete config.fixtureFile;
    }
  }
  return { ...scenario, config };
}
