import type { MirrorHost } from '../mirrors/core/host-types.js';
import { ApiError, errors, sendJson } from './errors.js';
import type { EventBus } from './events.js';
import { readJsonObject, nearest } from './json-body.js';
import { Router, type RouteContext } from './router.js';
import type { RunService } from './runs.js';
import type { SessionManager } from './sessions.js';
import { lastEventIdOf, streamEvents } from './sse.js';
import { decodeCursor } from './store.js';
import type { Store } from './store.js';
import { forbidden } from './auth.js';

export interface RequestScope {
  workspace: string;
  /** Rate-limit headers already set on the response; repeated on SSE. */
  headers: Record<string, string>;
}

export interface RouteDeps {
  host: MirrorHost;
  store: Store;
  sessions: SessionManager;
  runs: RunService;
  bus: EventBus;
  bodyLimit: number;
  heartbeatMs: number;
  trackStream: (close: () => void) => () => void;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** Every control-plane endpoint (docs/api.md). */
export function buildRouter(d: RouteDeps): Router<RequestScope> {
  const r = new Router<RequestScope>();
  const body = (ctx: RouteContext) => readJsonObject(ctx.req, d.bodyLimit);
  const reply = (ctx: RouteContext, status: number, value: unknown) => sendJson(ctx.res, status, value);

  r.on('GET', '/v1/mirrors', (ctx) => {
    const data = d.host.catalog().map((name) => {
      let meta: Record<string, unknown> = {};
      try {
        meta = d.host.metadata(name);
      } catch {
        // metadata is informative only
      }
      return { ...meta, name };
    });
    reply(ctx, 200, { data });
  });

  // ── sessions ──────────────────────────────────────────────────────────
  r.on('POST', '/v1/sessions', async (ctx, s) => {
    const input = d.sessions.parseCreate(await body(ctx));
    const { record } = d.sessions.create(s.workspace, input);
    reply(ctx, 201, d.sessions.view(record, false));
  });

  r.on('GET', '/v1/sessions', (ctx, s) => {
    const q = queryParams(ctx.query, ['mode', 'status', 'name', 'workspace', 'limit', 'cursor']);
    if (q.workspace !== undefined && q.workspace !== s.workspace) throw forbidden();
    if (q.mode !== undefined && q.mode !== 'ephemeral' && q.mode !== 'persistent') {
      throw errors.invalidValue('mode', `Invalid mode '${q.mode.slice(0, 40)}'.`, "Use 'ephemeral' or 'persistent'.");
    }
    const statuses = ['ready', 'ended', 'expired', 'archived'];
    if (q.status !== undefined && !statuses.includes(q.status)) {
      throw errors.invalidValue('status', `Invalid status '${q.status.slice(0, 40)}'.`, `Use one of ${statuses.join(', ')}.`);
    }
    const page = d.store.listSessions({
      workspace: s.workspace,
      ...(q.mode !== undefined ? { persistent: q.mode === 'persistent' } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.name !== undefined ? { name: q.name } : {}),
      limit: limitOf(q.limit),
      ...(q.cursor !== undefined ? { cursor: cursorOf(q.cursor) } : {}),
    });
    reply(ctx, 200, { data: page.data.map((rec) => d.sessions.view(rec, false)), nextCursor: page.nextCursor, hasMore: page.hasMore });
  });

  r.on('GET', '/v1/sessions/:id', (ctx, s) => {
    noQuery(ctx.query);
    reply(ctx, 200, d.sessions.view(d.sessions.resolve(s.workspace, ctx.params.id!), true));
  });

  r.on('DELETE', '/v1/sessions/:id', (ctx, s) => {
    const rec = d.sessions.resolve(s.workspace, ctx.params.id!);
    const ended = d.sessions.isLive(rec.id) || rec.status === 'ready' ? d.sessions.end(rec.id, 'deleted') : rec;
    reply(ctx, 200, d.sessions.view(ended, true));
  });

  r.on('POST', '/v1/sessions/:id/reset', async (ctx, s) => {
    reply(ctx, 200, d.sessions.reset(s.workspace, ctx.params.id!, await body(ctx)));
  });

  r.on('POST', '/v1/sessions/:id/snapshots', async (ctx, s) => {
    const g = d.sessions.snapshot(s.workspace, ctx.params.id!, await body(ctx));
    reply(ctx, 201, { snapshotId: g.id, sessionId: g.sessionId, createdAt: g.createdAt, mirrors: g.mirrors, durationMs: g.durationMs });
  });

  r.on('GET', '/v1/sessions/:id/snapshots', (ctx, s) => {
    const data = d.sessions.listSnapshots(s.workspace, ctx.params.id!).map((g) => ({ snapshotId: g.id, sessionId: g.sessionId, createdAt: g.createdAt, mirrors: g.mirrors }));
    reply(ctx, 200, { data });
  });

  r.on('POST', '/v1/sessions/:id/restore', async (ctx, s) => {
    reply(ctx, 200, d.sessions.restore(s.workspace, ctx.params.id!, await body(ctx)));
  });

  r.on('POST', '/v1/sessions/:id/settle', async (ctx, s) => {
    reply(ctx, 200, await d.sessions.settle(s.workspace, ctx.params.id!, await body(ctx)));
  });

  r.on('GET', '/v1/sessions/:id/state', (ctx, s) => {
    reply(ctx, 200, d.sessions.state(s.workspace, ctx.params.id!));
  });

  r.on('GET', '/v1/sessions/:id/events', (ctx, s) => {
    const rec = d.sessions.resolve(s.workspace, ctx.params.id!);
    if (!d.bus.has(rec.id)) {
      throw new ApiError(409, 'mirra.session.ended', `Session '${rec.id}' has ended; its event stream is closed.`, 'Create a new session with POST /v1/sessions.');
    }
    const lastEventId = lastEventIdOf(ctx.req, ctx.query);
    if (d.bus.exhausted(rec.id, lastEventId)) {
      // SSE: 204 tells EventSource-style clients to stop reconnecting.
      ctx.res.writeHead(204, s.headers);
      ctx.res.end();
      return;
    }
    streamEvents(ctx.req, ctx.res, d.bus, rec.id, lastEventId, { heartbeatMs: d.heartbeatMs, headers: s.headers }, d.trackStream);
  });

  // ── runs ──────────────────────────────────────────────────────────────
  r.on('POST', '/v1/runs', async (ctx, s) => {
    const run = await d.runs.create(s.workspace, await body(ctx));
    reply(ctx, 201, d.runs.view(run));
  });

  r.on('GET', '/v1/runs', (ctx, s) => {
    const q = queryParams(ctx.query, ['status', 'sessionId', 'limit', 'cursor']);
    const page = d.runs.list(s.workspace, {
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.sessionId !== undefined ? { sessionId: q.sessionId } : {}),
      limit: limitOf(q.limit),
      ...(q.cursor !== undefined ? { cursor: cursorOf(q.cursor) } : {}),
    });
    reply(ctx, 200, { data: page.data.map((run) => d.runs.view(run)), nextCursor: page.nextCursor, hasMore: page.hasMore });
  });

  r.on('GET', '/v1/runs/:id', (ctx, s) => {
    const q = queryParams(ctx.query, ['expand']);
    if (q.expand !== undefined && q.expand !== 'scenario') throw errors.invalidValue('expand', `Cannot expand '${q.expand.slice(0, 40)}'.`, "Only 'scenario' can be expanded.");
    reply(ctx, 200, d.runs.view(d.runs.get(s.workspace, ctx.params.id!), q.expand === 'scenario'));
  });

  r.on('PATCH', '/v1/runs/:id', async (ctx, s) => {
    reply(ctx, 200, d.runs.view(d.runs.update(s.workspace, ctx.params.id!, await body(ctx))));
  });

  r.on('POST', '/v1/runs/:id/results', async (ctx, s) => {
    reply(ctx, 200, d.runs.view(d.runs.recordResults(s.workspace, ctx.params.id!, await body(ctx))));
  });

  return r;
}

function queryParams<K extends string>(query: URLSearchParams, allowed: K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [key, value] of query) {
    if (!(allowed as string[]).includes(key)) throw errors.unknownField(key.slice(0, 80), nearest(key, allowed), allowed);
    out[key as K] = value;
  }
  return out;
}

function noQuery(query: URLSearchParams): void {
  queryParams(query, []);
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw errors.invalidValue('limit', `limit must be an integer from 1 to ${MAX_LIMIT}.`, `The default is ${DEFAULT_LIMIT}.`);
  }
  return Number(raw);
}

function cursorOf(raw: string): { ms: number; id: string } {
  const c = raw.length <= 200 ? decodeCursor(raw) : undefined;
  if (!c) throw new ApiError(400, 'mirra.request.invalid_cursor', 'The cursor is not valid.', 'Pass back nextCursor from the previous page unchanged.', { field: 'cursor' });
  return c;
}
