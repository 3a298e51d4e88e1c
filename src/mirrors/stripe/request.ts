/**
 * The per-request frame: every route runs through `route()`, which assigns a `req_…` id,
 * remembers it (and the idempotency key) for the events the request causes, renders the
 * reply as Stripe's pretty JSON, and stamps `Request-Id` (stored with the idempotent result,
 * so a replay carries the original request's id, as Stripe does). Handlers are synchronous,
 * so one module-level frame is safe.
 */
import type { HttpMethod, RouteDefinition, VendorReply } from '../core/definition.js';
import type { RouteContext } from '../core/context.js';
import { ReplyError } from '../core/context.js';
import { renderJson } from './json.js';
import { randomId } from '../core/ids.js';

export interface RequestFrame {
  id: string | null;
  idempotencyKey: string | null;
}

let current: RequestFrame = { id: null, idempotencyKey: null };

/** The request being handled (ids are null inside timers and simulate). */
export function currentRequest(): RequestFrame {
  return current;
}

const REQUEST_IDS = new WeakMap<object, string>();

export function requestIdOf(reply: VendorReply): string | undefined {
  return REQUEST_IDS.get(reply);
}

/** Request ids are always random: they must not consume the deterministic id counter (reads would shift object ids). */
export function newRequestId(_ctx?: unknown): string {
  return randomId('req_', 14);
}

export function requestLogUrl(reqId: string, unix: number): string {
  return `https://dashboard.stripe.com/test/logs/${reqId}?t=${unix}`;
}

/** Add `request_log_url` to an error body rendered by `errorReply`. */
function withLogUrl(reply: VendorReply, reqId: string, unix: number): VendorReply {
  if (reply.status < 400 || typeof reply.body !== 'string') return reply;
  try {
    const parsed = JSON.parse(reply.body) as { error?: Record<string, unknown> };
    if (!parsed.error) return reply;
    const e: Record<string, unknown> = { ...parsed.error, request_log_url: requestLogUrl(reqId, unix) };
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(e).sort()) sorted[k] = e[k];
    return { ...reply, body: renderJson({ error: sorted }) };
  } catch {
    return reply;
  }
}

export type StripeHandler = (ctx: RouteContext) => VendorReply | Record<string, unknown>;

/** A JSON 200 (or `status`) reply in Stripe's rendering. */
export function ok(body: unknown, status = 200): VendorReply {
  return { status, body: renderJson(body), contentType: 'application/json' };
}

export function route(method: HttpMethod, path: string, handler: StripeHandler, description?: string): RouteDefinition {
  return {
    method,
    path,
    description,
    idempotent: method === 'POST',
    handler(ctx) {
      const reqId = newRequestId(ctx);
      current = { id: reqId, idempotencyKey: ctx.req.idempotencyKey ?? null };
      const stamp = (r: VendorReply): VendorReply => {
        const out = withLogUrl(r, reqId, ctx.nowUnix());
        const final = { ...out, headers: { ...(out.headers ?? {}), 'request-id': reqId } };
        REQUEST_IDS.set(final, reqId);
        return final;
      };
      try {
        const r = handler(ctx);
        const reply = typeof (r as VendorReply).status === 'number' && ('body' in r || 'contentType' in r) ? (r as VendorReply) : ok(r);
        return stamp(reply);
      } catch (err) {
        if (err instanceof ReplyError) throw new ReplyError(stamp(err.reply));
        throw err;
      } finally {
        current = { id: null, idempotencyKey: null };
      }
    },
  };
}
