/**
 * One scenario run, independent of Vitest: session acquire/reset, seed, driver with a
 * timeout, settle, signature probe, capture. Talks to the control plane only over HTTP
 * (MirraClient); never imports `src/server`.
 */
export { executeRun, mirrorHandles, RunTimeoutError, type ExecuteRunInput } from './run.js';
export {
  defineDriver,
  resolveDriverPath,
  driverFromModule,
  siblingDriverPaths,
  scenarioBaseName,
  DriverNotFoundError,
  DRIVER_EXTENSIONS,
  type Driver,
  type DriverContext,
  type DriverResult,
  type DriverMirror,
  type DriverLog,
  type DriverResolution,
} from './driver.js';
export { sessionEnv, mirrorEnv, applyEnv } from './env.js';
export { scenarioSeeds, SeedFileError } from './seeds.js';
export { scenarioSessionSpec, openScenarioSession, resetScenarioSession, closeScenarioSession, type ScenarioSessionSpec } from './session.js';
export { webhookAttempts, signatureVerifications, toTraceEntries, mirrorDescription } from './capture.js';
