/**
 * The worker's view of `src/evaluate/`: one place that adapts to its API, so the rest of
 * the integration only sees `gradeCriterion`.
 */
import { createVerdictCache, defaultCheckRegistry, defaultEvaluator, evaluateCriterion, type CheckRegistry, type VerdictCache } from '../evaluate/index.js';
import type { Criterion, CriterionResult, Evaluator, RunCapture } from '../evaluate/types.js';

const CACHES = Symbol.for('mirra.vitest.verdictCaches');

/** One verdict cache per file per worker (SQLite in WAL mode; workers share the file). */
export function verdictCache(path: string | false): VerdictCache | undefined {
  if (path === false) return undefined;
  const g = globalThis as { [CACHES]?: Map<string, VerdictCache> };
  const caches = (g[CACHES] ??= new Map());
  let cache = caches.get(path);
  if (!cache) {
    cache = createVerdictCache({ path });
    caches.set(path, cache);
  }
  return cache;
}

/** Where `defineCheck(...)` registers (a globalThis singleton shared by every module instance). */
export function checkRegistry(): CheckRegistry {
  return defaultCheckRegistry;
}

/** The evaluator used when the `judge` option is not set: ANTHROPIC_API_KEY, else OPENAI_API_KEY, else none. */
export function evaluatorFromEnv(): Evaluator | undefined {
  return defaultEvaluator(process.env);
}

export function gradeCriterion(input: {
  criterion: Criterion;
  capture: RunCapture;
  registry: CheckRegistry;
  evaluator?: Evaluator;
  cache?: VerdictCache;
  model: string;
  signal: AbortSignal;
}): Promise<CriterionResult> {
  return evaluateCriterion({
    criterion: input.criterion,
    capture: input.capture,
    registry: input.registry,
    ...(input.evaluator ? { evaluator: input.evaluator } : {}),
    cache: input.cache ?? false,
    model: input.model,
    signal: input.signal,
  });
}
