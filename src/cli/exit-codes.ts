/** Exit codes of the `mirra` command (spec §2.5). */
export const EXIT = {
  ok: 0,
  belowThreshold: 1,
  timedOut: 2,
  provisioningFailed: 3,
  invalidScenario: 4,
  usage: 64,
  /** Vitest could not start or report (broken vitest.config, Vitest missing). */
  software: 70,
} as const;
