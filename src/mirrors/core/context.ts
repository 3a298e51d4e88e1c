/**
 * `SessionContext`: everything a route, timer or simulate handler may touch. All state
 * access goes through it, so a handler can only ever see its own session.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SessionDb } from './database.js';
import type { InstanceCredentials, RouteDefinition, VendorReply } from './definition.js';
import type { EntityStore } from './store.js';
import type { RateLimitResult, RateLimitRule } from './rate-limit.js';
import type { TimerRow } from './timers.js';

/** Thrown (via `ctx.fail`) to answer with a vendor reply; the transaction is rolled back. */
export class ReplyError extends Error {
  constructor(readonly reply: VendorReply) {
    super(`Vendor reply ${reply.status}`);
    this.name = 'ReplyError';
  }
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Subscribed event types; `['*']` means all. */
  events: string[];
  secret: string;
  enabled: boolean;
  source: 'seed' | 'api';
  createdAt: number;
  /** Vendor-specific fields (description, api_version, ...). */
  data: Record<string, unknown>;
}

export interface RegisterEndpointInput {
  url: string;
  events?: string[];
  id?: string;
  /** Default: the instance's webhook secret. */
  secret?: string;
  enabled?: boolean;
  data?: Record<string, unknown>;
}

export interface EmitOptions {
  /** Event id (Stripe `evt_…` in the body must match). Default: generated with `eventIdPrefix`. */
  id?: string;
  /** Deliver only to these endpoint ids. */
  endpointIds?: string[];
  /** Delay the first attempt (ms on the session clock). Default 0. */
  delayMs?: number;
}

export interface WebhooksApi {
  /** The instance's default signing secret. */
  readonly secret: string;
  register(input: RegisterEndpointInput): WebhookEndpoint;
  list(): WebhookEndpoint[];
  get(id: string): WebhookEndpoint | undefined;
  update(id: string, patch: Partial<Omit<RegisterEndpointInput, 'id'>>): WebhookEndpoint | undefined;
  remove(id: string): boolean;
  /** Queue an event for every subscribed, enabled endpoint; the body is serialised once, now. */
  emit(type: string, payload: unknown, options?: EmitOptions): { eventId: string; deliveryIds: string[] };
}

export interface TimersApi {
  /** Schedule `kind` after `delayMs`, or at `{ at }` (session-clock ms). Returns the timer id. */
  schedule(kind: string, when: number | { at: number }, payload?: unknown): number;
  cancel(id: number): boolean;
  pending(kind?: string): TimerRow[];
}

export interface IdsApi {
  /** `prefix` + random (or deterministic when the seed sets `settings.deterministicIds`). */
  next(prefix: string, length?: number, alphabet?: string): string;
  uuid(): string;
}

export interface SessionContext {
  readonly vendor: string;
  readonly sessionId: string;
  readonly version: string;
  readonly apiVersion: string;
  /** The origin clients use to reach this mirror, when known. */
  readonly publicUrl: string | undefined;
  readonly credentials: InstanceCredentials;
  /** The seed's `settings` (mirror knobs). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Session-clock milliseconds. */
  now(): number;
  nowIso(): string;
  /** Session-clock unix seconds. */
  nowUnix(): number;
  readonly db: EntityStore;
  /** Raw SQL on the session database (mirror-specific tables). */
  readonly sql: SessionDb;
  readonly ids: IdsApi;
  readonly webhooks: WebhooksApi;
  readonly timers: TimersApi;
  rateLimit(bucket: string, rule: RateLimitRule): RateLimitResult;
  /** A custom trace row (kind `note` unless given). */
  note(data: Record<string, unknown>, kind?: string): void;
  /** Abort the current operation with a vendor reply (rolls back). */
  fail(status: number, body?: unknown, headers?: Record<string, string>): never;
}

export interface MirrorRequest {
  method: string;
  path: string;
  /** Path and query as received. */
  url: string;
  params: Record<string, string>;
  /** Decoded with the same bracket-nesting rules as form bodies. */
  query: Record<string, unknown>;
  /** Parsed JSON or form body (`{}` when empty, undefined for other media types). */
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  header(name: string): string | undefined;
  idempotencyKey: string | undefined;
}

export interface RouteContext extends SessionContext {
  readonly req: MirrorRequest;
  readonly route: RouteDefinition;
  reply(status: number, body?: unknown, headers?: Record<string, string>): VendorReply;
}
