/**
 * Mirror admin endpoints, `/_mirra/*` on the shared origin, authenticated with the
 * instance's API key. JSON in and out; errors use the Mirra envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineInstance } from './instance.js';
import { versionHeader } from './instance.js';
import { MirrorEngineError } from './errors.js';
import { Router } from './router.js';
import { BodyTooLargeError, readRawBody } from './body.js';
import { parseDuration, parseInstant } from './clock.js';
import { engineErrorReply, envelope, serializeReply, writeSerialized } from './respond.js';
import type { SeedRef } from './host-types.js';
import type { VendorReply } from './definition.js';

const ADMIN_BODY_LIMIT = 1024 * 1024;

export interface AdminRequest {
  instance: EngineInstance;
  body: Record<string, unknown>;
  query: URLSearchParams;
  metadata(): Record<string, unknown>;
}

interface AdminRoute {
  method: 'GET' | 'POST';
  path: string;
  description: string;
  handler(r: AdminRequest): unknown | Promise<unknown>;
}

function bad(message: string, hint: string): MirrorEngineError {
  return new MirrorEngineError('mirra.request.invalid_parameter', message, hint, 400);
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`Field '${field}' must be a string.`, 'See docs/mirror-engine.md#admin-endpoints.');
  return v;
}

export const ADMIN_ROUTES: AdminRoute[] = [
  { method: 'GET', path: '/_mirra/metadata', description: 'Mirror name, versions, endpoints, webhook event types, simulate events, fixtures', handler: (r) => r.metadata() },
  { method: 'GET', path: '/_mirra/state', description: "The mirror's tables as JSON", handler: (r) => r.instance.state() },
  {
    method: 'POST',
    path: '/_mirra/state/reset',
    description: 'Restore the seed image; { seed?: "<mirror>:<fixture>" | "<fixture>", seedFile?, data? } re-seeds',
    handler: (r) => {
      const seed: SeedRef = {};
      const spec = optionalString(r.body, 'seed');
      const file = optionalString(r.body, 'seedFile');
      if (spec) seed.fixture = spec;
      if (file) seed.file = file;
      if (r.body.data !== undefined) seed.data = r.body.data;
      r.instance.reset(seed);
      return { reset: true, seed: r.instance.seedInfo().label, clock: r.instance.clockInfo() };
    },
  },
  { method: 'POST', path: '/_mirra/state/snapshot', description: '→ { snapshotId, ... }', handler: (r) => r.instance.snapshot() },
  { method: 'GET', path: '/_mirra/state/snapshots', description: 'Snapshots of this instance', handler: (r) => ({ snapshots: r.instance.listSnapshots() }) },
  {
    method: 'POST',
    path: '/_mirra/state/restore',
    description: '{ snapshotId }',
    handler: (r) => {
      const id = optionalString(r.body, 'snapshotId');
      if (!id) throw bad("Field 'snapshotId' is required.", 'Take one with POST /_mirra/state/snapshot.');
      r.instance.restore(id);
      return { restored: true, snapshotId: id };
    },
  },
  { method: 'GET', path: '/_mirra/clock', description: '{ mode, now, pendingTimers }', handler: (r) => ({ ...r.instance.clockInfo(), pendingTimers: r.instance.pendingTimers().length }) },
  {
    method: 'POST',
    path: '/_mirra/clock',
    description: '{ advance: "5s" } | { to: "<iso>" } | { mode: "real" | "manual" }: fires due timers in order',
    handler: (r) => {
      const { advance, to, mode } = r.body;
      if (mode !== undefined) {
        if (mode !== 'real' && mode !== 'manual') throw bad("Field 'mode' must be 'real' or 'manual'.", 'See docs/mirror-engine.md#clock.');
        r.instance.setClockMode(mode);
      }
      if (advance !== undefined && to !== undefined) throw bad("Give either 'advance' or 'to', not both.", 'See docs/mirror-engine.md#clock.');
      if (advance !== undefined) return r.instance.advanceClock(parseDuration(advance, 'advance'));
      if (to !== undefined) return r.instance.advanceClockTo(parseInstant(to, 'to'));
      if (mode === undefined) throw bad("Give 'advance', 'to' or 'mode'.", 'Example: { "advance": "5s" }.');
      return { ...r.instance.clockInfo(), timersFired: 0 };
    },
  },
  {
    method: 'POST',
    path: '/_mirra/settle',
    description: '{ horizon?: "1h", waitMs? }: fire pending timers up to the horizon, drain deliveries',
    handler: (r) => {
      const horizon = r.body.horizon ?? r.body.horizonMs;
      const waitMs = r.body.waitMs;
      return r.instance.settle({
        horizonMs: horizon === undefined ? undefined : parseDuration(horizon, 'horizon'),
        waitMs: waitMs === undefined ? undefined : parseDuration(waitMs, 'waitMs'),
      });
    },
  },
  {
    method: 'POST',
    path: '/_mirra/simulate',
    description: '{ event, ...fields }',
    handler: (r) => {
      const { event, ...fields } = r.body;
      return r.instance.simulate(event, fields);
    },
  },
  { method: 'GET', path: '/_mirra/webhooks/mode', description: '{ mode }', handler: (r) => ({ mode: r.instance.getWebhookMode() }) },
  {
    method: 'POST',
    path: '/_mirra/webhooks/mode',
    description: "{ mode: 'deliver' | 'collect' }",
    handler: (r) => {
      const mode = r.body.mode;
      if (mode !== 'deliver' && mode !== 'collect') throw bad("Field 'mode' must be 'deliver' or 'collect'.", 'collect stores deliveries instead of sending them.');
      r.instance.setWebhookMode(mode);
      return { mode };
    },
  },
  {
    method: 'GET',
    path: '/_mirra/webhooks/deliveries',
    description: '?status=: deliveries with exact headers and body',
    handler: (r) => ({ deliveries: r.instance.deliveries({ status: r.query.get('status') ?? undefined }) }),
  },
  { method: 'GET', path: '/_mirra/webhooks/endpoints', description: 'Registered webhook endpoints', handler: (r) => ({ endpoints: r.instance.dispatcher.list() }) },
  { method: 'POST', path: '/_mirra/webhooks/retry', description: 'Re-send failed deliveries now', handler: (r) => r.instance.retryWebhooks() },
  {
    method: 'POST',
    path: '/_mirra/webhooks/probe',
    description: '{ endpointId?, url?, eventType? }: send a wrongly signed event, record whether it was refused',
    handler: async (r) => {
      const results = await r.instance.probeSignatures({
        endpointId: optionalString(r.body, 'endpointId'),
        url: optionalString(r.body, 'url'),
        eventType: optionalString(r.body, 'eventType'),
      });
      return { results, verified: results.length > 0 && results.every((x) => x.verified) };
    },
  },
  { method: 'GET', path: '/_mirra/webhooks/verifications', description: 'Signature probe results', handler: (r) => ({ verifications: r.instance.signatureVerifications() }) },
  {
    method: 'GET',
    path: '/_mirra/trace',
    description: '?since=<id|iso>&kinds=a,b&level=error&limit=n',
    handler: (r) => {
      const since = r.query.get('since');
      const limit = r.query.get('limit');
      const level = r.query.get('level');
      return {
        entries: r.instance.trace({
          since: since === null ? undefined : /^\d+$/.test(since) ? Number(since) : since,
          kinds: r.query.get('kinds')?.split(',').filter(Boolean),
          level: level === 'error' || level === 'info' ? level : undefined,
          limit: limit !== null && /^\d+$/.test(limit) ? Number(limit) : undefined,
        }),
      };
    },
  },
  { method: 'GET', path: '/_mirra/stats', description: '{ requests, webhooks, errors }', handler: (r) => r.instance.stats() },
];

const adminRouter = new Router(ADMIN_ROUTES);

export async function handleAdmin(instance: EngineInstance, req: IncomingMessage, res: ServerResponse, url: URL, metadata: () => Record<string, unknown>): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let reply: VendorReply;
  try {
    const match = adminRouter.match(method, url.pathname);
    if (match.kind !== 'match') {
      req.resume();
      throw new MirrorEngineError(
        match.kind === 'method_not_allowed' ? 'mirra.admin.method_not_allowed' : 'mirra.admin.not_found',
        `No admin endpoint ${method} ${url.pathname}.`,
        `Admin endpoints: ${ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).join(', ')}.`,
        match.kind === 'method_not_allowed' ? 405 : 404,
      );
    }
    let body: Record<string, unknown> = {};
    if (method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readRawBody(req, ADMIN_BODY_LIMIT);
      } catch (err) {
        if (err instanceof BodyTooLargeError) throw new MirrorEngineError('mirra.request.too_large', err.message, 'Admin bodies are small JSON objects.', 413);
        return;
      }
      if (raw.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch (err) {
          throw new MirrorEngineError('mirra.request.invalid_json', `Invalid JSON body: ${(err as Error).message}`, 'Send a JSON object.', 400);
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new MirrorEngineError('mirra.request.invalid_json', 'The body must be a JSON object.', 'Send a JSON object.', 400);
        }
        body = parsed as Record<string, unknown>;
      }
    }
    const result = await match.route.handler({ instance, body, query: url.searchParams, metadata });
    reply = { status: 200, body: result ?? {} };
  } catch (err) {
    reply =
      err instanceof MirrorEngineError
        ? engineErrorReply(err)
        : envelope(500, 'mirra.internal', `Internal error: ${err instanceof Error ? err.message : String(err)}`, 'This is a bug in Mirra.');
  }
  writeSerialized(res, method, serializeReply(reply), { 'x-mirra-version': versionHeader(instance.definition), 'cache-control': 'no-store' });
}
