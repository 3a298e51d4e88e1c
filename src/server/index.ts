import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MirrorDefinition } from '../mirrors/core/definition.js';
import type { MirrorHost } from '../mirrors/core/host-types.js';
import { createApp, type AppDeps } from './app.js';
import { Authenticator, DEFAULT_WORKSPACE, type TokenGrant } from './auth.js';
import { EventBus, DEFAULT_REPLAY } from './events.js';
import { newToken } from './ids.js';
import { DEFAULT_BODY_LIMIT } from './json-body.js';
import { WarmPool, type PoolOptions } from './pool.js';
import { RateLimiter } from './rate-limit.js';
import { buildRouter } from './routes.js';
import { RunService } from './runs.js';
import { SessionManager } from './sessions.js';
import { Store } from './store.js';

export interface ServerOptions {
  /** Default 0 (a random free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * Where `mirra.db`, persistent sessions and archives live. Default: a fresh
   * temporary directory removed on `close()` — pass a directory for persistent
   * sessions that survive restarts (`mirra serve` uses `./.mirra`).
   */
  dataDir?: string;
  /** Bearer token of the default workspace (`ws_default`). Default: the one stored in dataDir, else a new `mt_pat_…`. */
  token?: string;
  /** Extra tokens mapped to workspaces (multi-tenant tests). */
  tokens?: (TokenGrant & { quotaMinutes?: number })[];
  /** Mirror definitions to serve. Default: `defaultMirrors` from `src/mirrors/catalog.ts`. */
  mirrors?: MirrorDefinition[];
  /** A ready-made mirror host (wins over `mirrors`); closed with the server. */
  mirrorHost?: MirrorHost;
  /** Built-in fixtures directory for the engine (`<dir>/<mirror>/<name>.json`). Default: the package's `fixtures/`. */
  fixturesDir?: string;
  /** Requests per window per workspace. Default 6000 per 60 s. */
  rateLimit?: number | { limit: number; windowMs?: number };
  /** Session-minutes each workspace may consume (402 past it). Default unlimited. */
  quotaMinutes?: number;
  /** Max JSON body bytes (413 past it). Default 1 MiB. */
  bodyLimit?: number;
  /** How often expired ephemeral sessions are swept. Default 1000 ms. */
  sweepIntervalMs?: number;
  /** SSE heartbeat comment interval. Default 15 s. */
  heartbeatMs?: number;
  /** Events kept per session for Last-Event-ID replay. Default 1000. */
  replayBuffer?: number;
  /** Warm pool of reset instances for ephemeral sessions; `false` disables it. */
  pool?: PoolOptions | false;
  /** Origin handed out as each mirror's `url` (behind a proxy). Default: the listening origin. */
  publicUrl?: string;
  /** Diagnostics sink. Default: stderr. */
  log?: (message: string) => void;
}

export interface MirraServer {
  /** Origin of the control plane and of every mirror (`http://127.0.0.1:PORT`). */
  url: string;
  /** Bearer token of the default workspace. */
  token: string;
  dataDir: string;
  /** Stop accepting requests, end ephemeral sessions, close persistent ones (they reopen on the next start). */
  close(): Promise<void>;
}

/** Start the control plane and the mirrors on one HTTP server. */
export async function startServer(options: ServerOptions = {}): Promise<MirraServer> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const tempDir = options.dataDir === undefined;
  const dataDir = tempDir ? mkdtempSync(join(tmpdir(), 'mirra-')) : resolve(options.dataDir!);
  mkdirSync(dataDir, { recursive: true });
  const store = new Store(join(dataDir, 'mirra.db'));
  let host: MirrorHost | undefined;
  let listening: ReturnType<typeof createApp> | undefined;
  try {
    const token = options.token ?? store.getMeta('default_token') ?? newToken();
    store.setMeta('default_token', token);
    const grants: TokenGrant[] = [{ token, workspace: DEFAULT_WORKSPACE }, ...(options.tokens ?? []).map((t) => ({ token: t.token, workspace: t.workspace }))];
    store.setTokens(grants);
    const quotas = new Map((options.tokens ?? []).filter((t) => t.quotaMinutes !== undefined).map((t) => [t.workspace, t.quotaMinutes!]));

    let deps: AppDeps | undefined;
    const app = createApp(() => deps, log);
    // Listen first: the engine wants the public origin (metadata, ctx.publicUrl).
    const address = await app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    listening = app;
    let origin = options.publicUrl;
    if (!origin) {
      const h = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
      origin = `http://${h}:${address.port}`;
    }
    const url = origin;
    host = options.mirrorHost ?? (await defaultHost(options.mirrors, dataDir, url, options.fixturesDir));
    const bus = new EventBus(options.replayBuffer ?? DEFAULT_REPLAY);
    const pool = new WarmPool(options.pool === false ? { total: 0 } : (options.pool ?? {}));
    const sessions = new SessionManager({
      host,
      store,
      bus,
      pool,
      dataDir,
      url: () => url,
      quotaMinutes: (ws) => quotas.get(ws) ?? options.quotaMinutes,
      log,
    });
    const runs = new RunService(store, sessions, bus);
    const streams = new Set<() => void>();
    const router = buildRouter({
      host,
      store,
      sessions,
      runs,
      bus,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      trackStream: (close) => {
        streams.add(close);
        return () => streams.delete(close);
      },
    });
    const rl = typeof options.rateLimit === 'number' ? { limit: options.rateLimit } : (options.rateLimit ?? { limit: 6000 });
    sessions.recover();
    deps = { host, auth: new Authenticator(grants), limiter: new RateLimiter(rl.limit, rl.windowMs), router, bus };
    const sweep = setInterval(() => sessions.sweep(), options.sweepIntervalMs ?? 1000);
    sweep.unref();

    let closing: Promise<void> | undefined;
    const hostRef = host;
    return {
      url,
      token,
      dataDir,
      close() {
        closing ??= (async () => {
          clearInterval(sweep);
          const stopped = new Promise<void>((r) => app.server.close(() => r()));
          sessions.shutdown();
          for (const close of [...streams]) close();
          app.server.closeIdleConnections();
          setTimeout(() => app.destroySockets(), 1000).unref();
          await stopped;
          await hostRef.close();
          store.close();
          if (tempDir) rmSync(dataDir, { recursive: true, force: true });
        })();
        return closing;
      },
    };
  } catch (err) {
    if (listening) {
      listening.server.close();
      listening.destroySockets();
    }
    await host?.close().catch(() => {});
    store.close();
    if (tempDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function defaultHost(mirrors: MirrorDefinition[] | undefined, dataDir: string, publicUrl: string, fixturesDir: string | undefined): Promise<MirrorHost> {
  const [{ createMirrorHost }, catalog] = await Promise.all([import('../mirrors/core/index.js'), import('../mirrors/catalog.js')]);
  return createMirrorHost({ mirrors: mirrors ?? catalog.defaultMirrors, dataDir, publicUrl, ...(fixturesDir !== undefined ? { fixturesDir } : {}) });
}

export { DEFAULT_WORKSPACE } from './auth.js';
export type { TokenGrant } from './auth.js';
