/**
 * One run of one scenario against a ready session: snapshot the state and trace watermark,
 * call the driver with a timeout, settle (timers + webhook deliveries), probe webhook
 * signature verification, capture state and trace → RunCapture. Never throws: whatever goes
 * wrong ends up in `capture.error` / `capture.timedOut`, so every criterion of the run can
 * fail with the reason.
 */
import type { MirraClient, MirrorAdmin, Session } from '../client/index.js';
import type { DriverLogEntry, MirrorCapture, RunCapture, TraceEntry } from '../evaluate/types.js';
import type { Scenario } from '../scenario/index.js';
import { mirrorDescription, signatureVerifications, toTraceEntries, webhookAttempts } from './capture.js';
import type { Driver, DriverContext, DriverLog, DriverMirror, DriverResult } from './driver.js';
import { applyEnv, sessionEnv } from './env.js';

export interface ExecuteRunInput {
  client: MirraClient;
  session: Session;
  scenario: Scenario;
  /** Absolute path of the scenario file. */
  file: string;
  /** Path shown in results (relative to the project root). */
  relFile?: string;
  run: number;
  /** Loads the driver; a rejection (no driver found, import error) fails the run. */
  loadDriver: () => Promise<Driver>;
  /** Default: `scenario.config.timeout` seconds. */
  timeoutMs?: number;
  /** Also set the SDK variables on `process.env` while the driver runs (proxyMode `env`). */
  setProcessEnv?: boolean;
  /** Cache of mirror metadata across runs of a session. */
  metadataCache?: Map<string, { displayName: string; vocabulary: MirrorCapture['vocabulary'] }>;
  /** Called for each driver log line (e.g. to echo it). */
  onLog?: (entry: DriverLogEntry) => void;
}

export class RunTimeoutError extends Error {
  override readonly name = 'RunTimeoutError';
}

interface MirrorHandle {
  vendor: string;
  admin: MirrorAdmin;
  driver: DriverMirror;
}

export function mirrorHandles(client: MirraClient, session: Session): MirrorHandle[] {
  return session.mirrors.map((m) => {
    const admin = client.mirror({ url: m.url, apiKey: m.apiKey });
    return { vendor: m.vendor, admin, driver: { url: m.url, apiKey: m.apiKey, webhookSecret: m.webhookSecret, admin } };
  });
}

function createLog(logs: DriverLogEntry[], onLog?: (entry: DriverLogEntry) => void): DriverLog {
  const write = (message: string, level: DriverLogEntry['level'] = 'info') => {
    const entry: DriverLogEntry = { level, message: String(message), at: new Date().toISOString() };
    logs.push(entry);
    onLog?.(entry);
  };
  return Object.assign(write, {
    debug: (m: string) => write(m, 'debug'),
    info: (m: string) => write(m, 'info'),
    warn: (m: string) => write(m, 'warn'),
    error: (m: string) => write(m, 'error'),
  });
}

const errorInfo = (error: unknown): { message: string; stack?: string } =>
  error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) };

/** Runs `fn` until it settles or `ms` pass; on timeout aborts `controller` and resolves `'timeout'`. */
async function withTimeout<T>(fn: () => Promise<T>, ms: number, controller: AbortController): Promise<{ value: T } | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new RunTimeoutError(`run timed out after ${Math.round(ms / 1000)} s`));
      resolve('timeout');
    }, ms);
  });
  try {
    return await Promise.race([fn().then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function executeRun(input: ExecuteRunInput): Promise<RunCapture> {
  const started = performance.now();
  const { client, session, scenario, run } = input;
  const logs: DriverLogEntry[] = [];
  const log = createLog(logs, input.onLog);
  const handles = mirrorHandles(client, session);
  const mirrors: Record<string, MirrorCapture> = {};
  const watermarks = new Map<string, number>();
  const capture: RunCapture = { scenario, ...(input.relFile ? { file: input.relFile } : {}), run, sessionId: session.sessionId, mirrors, logs, timedOut: false, durationMs: 0 };

  const fail = (error: unknown) => {
    if (!capture.error) capture.error = errorInfo(error);
  };

  try {
    // Before: description, state and the trace watermark of every mirror.
    await Promise.all(
      handles.map(async (h) => {
        let description = input.metadataCache?.get(h.vendor);
        if (!description) {
          description = mirrorDescription(h.vendor, await h.admin.metadata());
          input.metadataCache?.set(h.vendor, description);
        }
        const [before, last] = await Promise.all([h.admin.state(), h.admin.trace({ limit: 1 })]);
        watermarks.set(h.vendor, Number(last.entries[0]?.id ?? 0));
        mirrors[h.vendor] = { vendor: h.vendor, ...description, before, after: before, trace: [], webhooks: [], verifications: [] };
      }),
    );
  } catch (error) {
    fail(error);
    capture.durationMs = Math.round(performance.now() - started);
    return capture;
  }

  // The driver, with the scenario's timeout.
  const timeoutMs = input.timeoutMs ?? scenario.config.timeout * 1000;
  const controller = new AbortController();
  const env = sessionEnv(session);
  let restoreEnv: (() => void) | undefined;
  let cleanup: (() => Promise<void> | void) | undefined;
  try {
    const driver = await input.loadDriver();
    const context: DriverContext = {
      scenario,
      prompt: scenario.prompt ?? '',
      setup: scenario.setup ?? '',
      session: { sessionId: session.sessionId, name: session.name },
      mirrors: Object.fromEntries(handles.map((h) => [h.vendor, h.driver])),
      env,
      signal: controller.signal,
      log,
      run,
      file: input.file,
    };
    if (input.setProcessEnv) restoreEnv = applyEnv(env);
    const outcome = await withTimeout(async () => (await driver(context)) as DriverResult | void, timeoutMs, controller);
    if (outcome === 'timeout') {
      capture.timedOut = true;
      capture.error = { message: `run timed out after ${Math.round(timeoutMs / 1000)} s` };
    } else if (outcome.value && typeof outcome.value === 'object') {
      if ('output' in outcome.value) capture.output = outcome.value.output;
      if (typeof outcome.value.cleanup === 'function') cleanup = outcome.value.cleanup;
    }
  } catch (error) {
    fail(error);
  } finally {
    restoreEnv?.();
  }

  // Settle, probe, capture. Each step is attempted even if an earlier one failed.
  try {
    await client.settleSession(session.sessionId);
  } catch (error) {
    log.error(`settle failed: ${errorInfo(error).message}`);
  }
  await Promise.all(
    handles.map(async (h) => {
      const m = mirrors[h.vendor];
      try {
        const settled = await h.admin.state();
        const endpoints = (settled._webhook_endpoints ?? []) as Array<{ enabled?: boolean; disabled?: boolean; status?: string }>;
        const active = endpoints.filter((e) => e.enabled !== false && e.disabled !== true && e.status !== 'disabled');
        if (active.length > 0) await h.admin.probe();
        m.after = active.length > 0 ? await h.admin.state() : settled;
        const since = watermarks.get(h.vendor) ?? 0;
        const trace: TraceEntry[] = toTraceEntries((await h.admin.trace({ since })).entries);
        m.trace = trace;
        m.webhooks = webhookAttempts(trace);
        m.verifications = signatureVerifications(trace);
      } catch (error) {
        fail(error);
      }
    }),
  );
  if (cleanup) {
    try {
      await cleanup();
    } catch (error) {
      log.warn(`driver cleanup failed: ${errorInfo(error).message}`);
    }
  }
  capture.durationMs = Math.round(performance.now() - started);
  return capture;
}
