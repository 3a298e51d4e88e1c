import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MirrorHost } from '../mirrors/core/host-types.js';
import { Authenticator } from './auth.js';
import { ApiError, sendError, sendJson, toApiError } from './errors.js';
import type { EventBus } from './events.js';
import { RateLimiter, rateLimitHeaders, rateLimited } from './rate-limit.js';
import type { RequestScope } from './routes.js';
import type { Router } from './router.js';

export interface AppDeps {
  host: MirrorHost;
  auth: Authenticator;
  limiter: RateLimiter;
  router: Router<RequestScope>;
  bus: EventBus;
}

/**
 * The one HTTP server: mirror traffic first (`host.handle` routes by vendor
 * credential), then the control plane under `/v1/*`. No input may crash it:
 * every failure becomes an error envelope.
 */
export function createApp(deps: () => AppDeps | undefined, log: (message: string) => void): { server: Server; listen(port: number, host: string): Promise<AddressInfo>; destroySockets(): void } {
  const sockets = new Set<Socket>();
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    // Unparseable HTTP: answer 400 when the socket still can, never crash.
    if (socket.writable) {
      const text = JSON.stringify({ error: { code: 'mirra.request.malformed', message: 'Malformed HTTP request.', hint: 'Send a valid HTTP/1.1 request.' } });
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    } else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    req.on('error', () => {});
    const d = deps();
    if (!d) {
      sendError(res, new ApiError(503, 'mirra.server.starting', 'The server is starting.', 'Retry in a moment.', undefined, { 'retry-after': '1' }));
      return;
    }
    try {
      if (d.host.handle(req, res)) return;
    } catch (err) {
      log(`mirra: mirror host failed on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendError(res, new ApiError(502, 'mirra.mirror.unavailable', 'The mirror host failed to answer.', 'Retry; see the server log.'));
      return;
    }
    try {
      await controlPlane(d, req, res);
    } catch (err) {
      const api = toApiError(err);
      if (api.status >= 500) log(`mirra: ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendError(res, api);
      else if (!res.writableEnded) res.end();
    }
  }

  async function controlPlane(d: AppDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q >= 0 ? raw.slice(0, q) : raw;
    const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      sendJson(res, 200, { ok: true });
      return;
    }
    const limit = (key: string) => {
      const state = d.limiter.take(key);
      const headers = rateLimitHeaders(state);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      return { state, headers };
    };
    let workspace: string;
    try {
      workspace = d.auth.authenticate(req);
    } catch (err) {
      limit(`anon:${req.socket.remoteAddress ?? ''}`);
      throw err;
    }
    const { state, headers } = limit(workspace);
    if (state.exceeded) throw rateLimited(state);
    const { handler, params } = d.router.match(method, path);
    await handler({ req, res, params, query, path }, { workspace, headers });
  }

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    destroySockets() {
      for (const s of sockets) s.destroy();
    },
  };
}
