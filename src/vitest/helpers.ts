/** Helpers for plain test files running against the plugin's session. */
import type { MirrorAdmin, SessionMirror } from '../client/index.js';
import { clientFor, currentSession, type WorkerSession } from './session-state.js';

function requireSession(helper: string): WorkerSession {
  const session = currentSession();
  if (!session) {
    throw new Error(
      `${helper}() needs a Mirra session: configure mirrors for plain tests, e.g. withMirra({ mirrors: ['resend'] }) in vitest.config.ts. ` +
        `(Scenario .md files get their mirrors through the driver's context instead.)`,
    );
  }
  return session;
}

function mirrorOf(session: WorkerSession, vendor: string): SessionMirror {
  const mirror = session.mirrors.find((m) => m.vendor === vendor);
  if (!mirror) throw new Error(`The Mirra session ${session.sessionId} has no '${vendor}' mirror (it has ${session.mirrors.map((m) => m.vendor).join(', ') || 'none'}).`);
  return mirror;
}

export interface MirraSessionInfo {
  sessionId: string;
  name: string;
  /** Per vendor: `{ url, apiKey, webhookSecret }` (what the SDKs need). */
  mirrors: Record<string, { url: string; apiKey: string; webhookSecret: string }>;
  /** `/_mirra/*` admin of one mirror: simulate, snapshot, restore, clock, settle, state, trace. */
  admin(vendor: string): MirrorAdmin;
}

/** The session of the current test file. */
export function useMirraSession(): MirraSessionInfo {
  const session = requireSession('useMirraSession');
  const client = clientFor(session.server);
  return {
    sessionId: session.sessionId,
    name: session.name,
    mirrors: Object.fromEntries(session.mirrors.map((m) => [m.vendor, { url: m.url, apiKey: m.apiKey, webhookSecret: m.webhookSecret }])),
    admin: (vendor) => {
      const m = mirrorOf(session, vendor);
      return client.mirror({ url: m.url, apiKey: m.apiKey });
    },
  };
}

/** Every (or the listed) mirror back to its seed. Resolves once all are reset. */
export async function resetMirraMirrors(options: { mirrors?: string[] } = {}): Promise<void> {
  const session = requireSession('resetMirraMirrors');
  await clientFor(session.server).resetSession(session.sessionId, options.mirrors ? { mirrors: options.mirrors } : {});
}

export interface WebhookEvent {
  /** Event id (`msg_…` for Resend). */
  id: string;
  type: string;
  /** The payload's `data` (e.g. `data.email_id`). */
  data: Record<string, unknown>;
  /** The whole payload as sent. */
  payload: Record<string, unknown>;
  delivery: { id: string; url: string; status: string; attempts: number; lastStatus: number | null };
}

export interface WaitForWebhookOptions {
  /** Vendor (`'resend'`). */
  mirror: string;
  /** Event type (`'email.delivered'`). */
  type: string;
  match?: (event: WebhookEvent) => boolean;
  /** Default 5000. */
  timeoutMs?: number;
  /** Poll interval, default 50 ms. */
  intervalMs?: number;
}

/**
 * The delivery body as an object: JSON (Resend, Stripe), or form fields (Twilio status
 * callbacks, whose fields — `MessageSid`, `MessageStatus`, ... — are then also `data`).
 */
function parseBody(d: Record<string, unknown>): { payload: Record<string, unknown>; data: Record<string, unknown> } {
  const body = String(d.body ?? '');
  if (String(d.contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const fields = Object.fromEntries(new URLSearchParams(body));
    return { payload: fields, data: fields };
  }
  try {
    const parsed = JSON.parse(body || '{}') as unknown;
    if (parsed && typeof parsed === 'object') {
      const payload = parsed as Record<string, unknown>;
      return { payload, data: (payload.data && typeof payload.data === 'object' ? payload.data : {}) as Record<string, unknown> };
    }
  } catch {
    // Neither JSON nor a form: no fields to match on.
  }
  return { payload: {}, data: {} };
}

function toEvent(d: Record<string, unknown>): WebhookEvent {
  const { payload, data } = parseBody(d);
  return {
    id: String(d.eventId ?? ''),
    type: String(d.eventType ?? ''),
    data,
    payload,
    delivery: {
      id: String(d.id ?? ''),
      url: String(d.url ?? ''),
      status: String(d.status ?? ''),
      attempts: Number(d.attempts ?? 0),
      lastStatus: typeof d.lastStatus === 'number' ? d.lastStatus : null,
    },
  };
}

/**
 * Resolves with the first webhook of `type` the mirror dispatched (to any registered
 * endpoint, or collected) that `match` accepts; polls the mirror's deliveries. Rejects after
 * `timeoutMs` listing what did arrive.
 */
export async function waitForWebhook(options: WaitForWebhookOptions): Promise<WebhookEvent> {
  const session = requireSession('waitForWebhook');
  const m = mirrorOf(session, options.mirror);
  const admin = clientFor(session.server).mirror({ url: m.url, apiKey: m.apiKey });
  const timeoutMs = options.timeoutMs ?? 5000;
  const interval = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let seen: WebhookEvent[] = [];
  for (;;) {
    const { deliveries } = await admin.deliveries();
    seen = deliveries.map(toEvent);
    // Arrived = at least one attempt finished (or collected); pending / in-flight ones have not yet.
    const dispatched = seen.filter((e) => e.delivery.status !== 'pending' && e.delivery.status !== 'in_flight');
    const hit = dispatched.find((e) => e.type === options.type && (!options.match || options.match(e)));
    if (hit) return hit;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
  const endpoints = ((await admin.state().catch(() => ({}) as Record<string, unknown[]>))._webhook_endpoints ?? []) as unknown[];
  const arrived = seen.length
    ? seen.map((e) => `  - ${e.type} ${e.id} → ${e.delivery.url} (${e.delivery.status}, ${e.delivery.attempts} attempt(s), last status ${e.delivery.lastStatus ?? '—'})${e.type === options.type ? ' [type matched, match() rejected it]' : ''}`).join('\n')
    : endpoints.length === 0
      ? `  (none: no webhook endpoint is registered on the ${options.mirror} mirror of session ${session.sessionId})`
      : '  (none)';
  throw new Error(`waitForWebhook: no '${options.type}' webhook${options.match ? ' matching match()' : ''} from ${options.mirror} within ${timeoutMs} ms. Webhooks that did arrive:\n${arrived}`);
}
