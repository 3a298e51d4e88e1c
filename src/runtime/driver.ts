/**
 * Drivers: the code that makes one scenario run happen (calls the app, an agent, a script)
 * against the session's mirrors. Resolution order: `driver:` in `## Config` (relative to
 * the .md) → a sibling `<name>.driver.{ts,js,mjs}` → the plugin's `driver` option.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MirrorAdmin } from '../client/index.js';
import type { DriverLogEntry } from '../evaluate/types.js';
import type { Scenario } from '../scenario/index.js';

/** One mirror of the session, as a driver sees it. */
export interface DriverMirror {
  url: string;
  apiKey: string;
  webhookSecret: string;
  /** `/_mirra/*` admin: simulate, clock, settle, state, snapshot/restore, trace. */
  admin: MirrorAdmin;
}

export interface DriverLog {
  (message: string, level?: DriverLogEntry['level']): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DriverContext {
  scenario: Scenario;
  /** `## Prompt` (empty string when the scenario has none). */
  prompt: string;
  /** `## Setup` (empty string when the scenario has none). */
  setup: string;
  session: { sessionId: string; name: string };
  /** Mirrors by vendor (`mirrors.resend.url`, `.apiKey`, `.webhookSecret`, `.admin`). */
  mirrors: Record<string, DriverMirror>;
  /** The SDK variables for this session (`RESEND_BASE_URL`, `RESEND_API_KEY`, ...). */
  env: Record<string, string>;
  /** Aborted when the run times out (`timeout:` in `## Config`). */
  signal: AbortSignal;
  /** Lines recorded in the run capture (judges and "no errors logged" checks read them). */
  log: DriverLog;
  /** 1-based run index. */
  run: number;
  /** Absolute path of the scenario file. */
  file: string;
}

export interface DriverResult {
  /** What the run produced (an agent's answer, a response body): judges may read it. */
  output?: unknown;
  /**
   * Called after the run settled, was probed and captured: stop the app's HTTP server here
   * (it must stay up while the mirror delivers webhooks and probes signatures).
   */
  cleanup?: () => Promise<void> | void;
}

export type Driver = (context: DriverContext) => Promise<DriverResult | void> | DriverResult | void;

/** Identity function that types a driver module's default export. */
export function defineDriver<T extends Driver>(driver: T): T {
  return driver;
}

export const DRIVER_EXTENSIONS = ['ts', 'js', 'mjs'] as const;

/** `welcome-email.scenario.md` and `welcome-email.md` → `welcome-email`. */
export function scenarioBaseName(scenarioFile: string): string {
  return path.basename(scenarioFile).replace(/(\.scenario)?\.md$/i, '');
}

/** The sibling driver paths looked at, in order. */
export function siblingDriverPaths(scenarioFile: string): string[] {
  const dir = path.dirname(scenarioFile);
  const base = scenarioBaseName(scenarioFile);
  return DRIVER_EXTENSIONS.map((ext) => path.join(dir, `${base}.driver.${ext}`));
}

export class DriverNotFoundError extends Error {
  override readonly name = 'DriverNotFoundError';
  constructor(
    message: string,
    readonly looked: string[],
  ) {
    super(message);
  }
}

export interface DriverResolution {
  path: string;
  from: 'config' | 'sibling' | 'option';
}

/**
 * Finds the driver module for a scenario, or throws a DriverNotFoundError naming every
 * path it looked at and showing an example.
 */
export function resolveDriverPath(input: { scenarioFile: string; configDriver?: string; optionDriver?: string; root: string; relFile?: string }): DriverResolution {
  const dir = path.dirname(input.scenarioFile);
  if (input.configDriver) {
    const file = path.resolve(dir, input.configDriver);
    if (existsSync(file)) return { path: file, from: 'config' };
    throw new DriverNotFoundError(
      `The driver '${input.configDriver}' named in ## Config of ${input.relFile ?? input.scenarioFile} does not exist (looked at ${file}). ` +
        `'driver:' paths are relative to the scenario file.`,
      [file],
    );
  }
  const looked = siblingDriverPaths(input.scenarioFile);
  for (const file of looked) if (existsSync(file)) return { path: file, from: 'sibling' };
  if (input.optionDriver) {
    const file = path.resolve(input.root, input.optionDriver);
    if (existsSync(file)) return { path: file, from: 'option' };
    looked.push(file);
    throw new DriverNotFoundError(`The driver option of the mirra plugin points at ${file}, which does not exist (it is resolved from the project root ${input.root}).`, looked);
  }
  const rel = (p: string) => path.relative(input.root, p) || p;
  const example = siblingDriverPaths(input.scenarioFile)[0];
  throw new DriverNotFoundError(
    [
      `No driver for ${input.relFile ?? input.scenarioFile}: a driver runs your app for each run of the scenario.`,
      `Looked for:`,
      `  - 'driver:' in the scenario's ## Config (not set)`,
      ...looked.map((p) => `  - ${rel(p)}`),
      `  - the 'driver' option of withMirra()/mirra() (not set)`,
      `Create ${rel(example)}, for example:`,
      ``,
      `  import { defineDriver } from 'mirra/vitest';`,
      `  import { signUp } from '../src/signup.js';`,
      ``,
      `  export default defineDriver(async ({ mirrors, signal }) => {`,
      `    await signUp('alice@example.com', { apiKey: mirrors.resend.apiKey, baseUrl: mirrors.resend.url, signal });`,
      `  });`,
    ].join('\n'),
    looked,
  );
}

/** The driver function of a loaded module: its default export, or a `driver` export. */
export function driverFromModule(mod: unknown, file: string): Driver {
  const m = mod as { default?: unknown; driver?: unknown };
  const candidate = typeof m.default === 'function' ? m.default : typeof m.driver === 'function' ? m.driver : undefined;
  if (!candidate) {
    throw new DriverNotFoundError(`The driver module ${file} has no default export function (use \`export default defineDriver(async (ctx) => { ... })\`).`, [file]);
  }
  return candidate as Driver;
}
