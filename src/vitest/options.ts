/** Options of `withMirra()` / `mirra()` and their serialisable, resolved form for workers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SeedInput, SessionMirror } from '../client/index.js';
import type { Evaluator } from '../evaluate/types.js';

export interface MirraOptions {
  /** Mirrors for plain tests (`['resend']`). Scenario files name their own in `## Config`. */
  mirrors?: string[];
  /** Mirror → fixture name (`{ resend: 'transactional-busy' }`) or `{ fixture?, file?, data? }`. */
  seeds?: Record<string, SeedInput>;
  /** Reset the plain-test session to its seed before every test. Default false. */
  resetBetweenTests?: boolean;
  /** Give every plain test file its own session (instead of one shared by all files). Default false. */
  resetBetweenFiles?: boolean;
  /** Use this existing session for plain tests (it is never deleted). */
  sessionId?: string;
  /** Name of the session created for plain tests. */
  sessionName?: string;
  /** `'env'` (default) sets RESEND_BASE_URL, RESEND_API_KEY, ... in the workers; `'none'` sets nothing. */
  proxyMode?: 'env' | 'none';
  /** No mirra log lines and no matrix reporter. Default false. */
  quiet?: boolean;
  /** Scenario globs added to Vitest's `include`; `false` turns scenarios off. Default `['**\/*.scenario.md', 'scenarios/**\/*.md']`. */
  scenarios?: string | string[] | false;
  /** Fallback driver module (path relative to the project root). */
  driver?: string;
  /**
   * Judge for `judge:` criteria (and checks no pattern matches): an Evaluator (e.g.
   * `anthropic()`), or a module path whose default export is one; `false`: never judge.
   * Default: `anthropic()` when ANTHROPIC_API_KEY is set, else `openai()` when
   * OPENAI_API_KEY is set, else none (judge criteria are skipped with a note).
   */
  judge?: Evaluator | string | false;
  /** Verdict cache file (relative to the root), or false. Default `.mirra/cache.db`. */
  cache?: string | false;
  /** Modules that call `defineCheck(...)`, imported in the worker before criteria are evaluated. */
  checks?: string | string[];
  /** Where the reporter writes the results (relative to the root), or false. Default `mirra-result.json`. */
  resultFile?: string | false;
}

export const DEFAULT_SCENARIO_GLOBS = ['**/*.scenario.md', 'scenarios/**/*.md'];
export const DEFAULT_CACHE_FILE = '.mirra/cache.db';
export const DEFAULT_RESULT_FILE = 'mirra-result.json';

export type JudgeRef = { kind: 'module'; path: string } | { kind: 'bridge'; name: string } | { kind: 'env' };

/** What workers receive with `inject('mirraConfig')`. */
export interface MirraWorkerConfig {
  root: string;
  /** Key of the main-process registry holding non-serialisable options (the judge object). */
  registryId: string;
  mirrors: string[];
  seeds: Record<string, SeedInput>;
  resetBetweenTests: boolean;
  resetBetweenFiles: boolean;
  sessionId?: string;
  sessionName?: string;
  proxyMode: 'env' | 'none';
  quiet: boolean;
  scenarios: string[];
  driver?: string;
  judge?: JudgeRef;
  cache: string | false;
  checks: string[];
}

export interface MirraServerRef {
  url: string;
  token: string;
  embedded: boolean;
}

export interface SharedSessionRef {
  sessionId: string;
  name: string;
  mirrors: SessionMirror[];
}

export interface JudgeBridgeRef {
  url: string;
  token: string;
  name: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    mirraConfig: MirraWorkerConfig;
    mirraServer: MirraServerRef;
    mirraSharedSession: SharedSessionRef | null;
    mirraJudgeBridge: JudgeBridgeRef | null;
  }
}

export function scenarioGlobs(option: MirraOptions['scenarios']): string[] {
  if (option === false) return [];
  if (option === undefined) return [...DEFAULT_SCENARIO_GLOBS];
  return Array.isArray(option) ? [...option] : [option];
}

export function isEvaluator(value: unknown): value is Evaluator {
  return typeof value === 'object' && value !== null && typeof (value as Evaluator).judge === 'function';
}

/**
 * `seeds: { twilio: { file: './seeds/x.json' } }` is relative to the project root; the file
 * is read here and sent inline, so a remote control plane (which cannot see this disk) and
 * any `--root` work alike.
 */
function inlineSeedFiles(seeds: Record<string, SeedInput>, root: string): Record<string, SeedInput> {
  const out: Record<string, SeedInput> = {};
  for (const [vendor, seed] of Object.entries(seeds)) {
    if (typeof seed !== 'object' || seed === null || seed.file === undefined || seed.data !== undefined) {
      out[vendor] = seed;
      continue;
    }
    const file = path.resolve(root, seed.file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new TypeError(`mirra: seeds.${vendor}.file '${seed.file}' could not be read at ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Paths are relative to the project root.`);
    }
    try {
      out[vendor] = { data: JSON.parse(text) as unknown };
    } catch (error) {
      throw new TypeError(`mirra: seeds.${vendor}.file ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return out;
}

export function resolveWorkerConfig(options: MirraOptions, root: string, registryId: string): MirraWorkerConfig {
  const abs = (p: string) => path.resolve(root, p);
  const judge: JudgeRef | undefined =
    options.judge === undefined
      ? { kind: 'env' }
      : options.judge === false
        ? undefined
        : typeof options.judge === 'string'
        ? { kind: 'module', path: abs(options.judge) }
        : isEvaluator(options.judge)
          ? { kind: 'bridge', name: options.judge.name }
          : undefined;
  if (options.judge !== undefined && options.judge !== false && judge === undefined) {
    throw new TypeError("mirra: 'judge' must be an Evaluator ({ name, judge(input, signal) }) or a module path exporting one.");
  }
  return {
    root,
    registryId,
    mirrors: [...(options.mirrors ?? [])],
    seeds: inlineSeedFiles(options.seeds ?? {}, root),
    resetBetweenTests: options.resetBetweenTests ?? false,
    resetBetweenFiles: options.resetBetweenFiles ?? false,
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.sessionName ? { sessionName: options.sessionName } : {}),
    proxyMode: options.proxyMode ?? 'env',
    quiet: options.quiet ?? false,
    scenarios: scenarioGlobs(options.scenarios),
    ...(options.driver ? { driver: abs(options.driver) } : {}),
    ...(judge ? { judge } : {}),
    cache: options.cache === false ? false : abs(options.cache ?? DEFAULT_CACHE_FILE),
    checks: (options.checks === undefined ? [] : Array.isArray(options.checks) ? options.checks : [options.checks]).map(abs),
  };
}

/**
 * Non-serialisable options (the judge object) live in the main process under a registry
 * on globalThis, so the global setup (loaded as a separate module) can reach them.
 */
const REGISTRY = Symbol.for('mirra.vitest.registry');

export function optionsRegistry(): Map<string, MirraOptions> {
  const g = globalThis as { [REGISTRY]?: Map<string, MirraOptions> };
  return (g[REGISTRY] ??= new Map());
}
