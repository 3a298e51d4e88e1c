/**
 * The contract a vendor mirror implements: one folder `src/mirrors/<vendor>/` exporting a
 * `MirrorDefinition`. Everything vendor-specific (credential format, error bodies,
 * idempotency rules, webhook signing and retry schedule, routes, simulate events, timers)
 * is declared here; the engine supplies the mechanisms.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SessionContext, RouteContext } from './context.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler answers. `body` objects are sent as JSON; strings and Buffers as-is. */
export interface VendorReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Defaults to `application/json; charset=utf-8` for object bodies. */
  contentType?: string;
}

/** A credential as presented on a request. */
export interface PresentedCredential {
  /** The value that identifies the account (API key, Account SID). */
  key: string;
  /** A second factor carried with it (Twilio's auth token). */
  secret?: string;
  scheme: 'bearer' | 'basic';
}

export interface InstanceCredentials {
  apiKey: string;
  webhookSecret: string;
}

export interface CredentialScheme {
  /**
   * Read this vendor's credential from a request. Return undefined when the request
   * carries no credential in this vendor's format (the host then asks other mirrors).
   */
  read(headers: IncomingHttpHeaders): PresentedCredential | undefined;
  /** Check a presented credential against the instance's. Default: the key alone decides. */
  verify?(presented: PresentedCredential, instance: InstanceCredentials): boolean;
  /** Fresh credentials for a new instance (vendor-shaped, unguessable). */
  generate(): InstanceCredentials;
}

/** The request line and headers, available before the body is read. */
export interface RequestHead {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** The vendor's own error bodies for failures the engine detects before a handler runs. */
export interface VendorErrors {
  unauthorized(reason: 'missing' | 'invalid', req: RequestHead): VendorReply;
  /** No route matches the path. */
  notFound(req: RequestHead): VendorReply;
  /** A route matches the path but not the method. Default: `notFound`. */
  methodNotAllowed?(req: RequestHead, allowed: string[]): VendorReply;
  /** The body could not be parsed (invalid JSON, ...). */
  invalidBody(message: string, req: RequestHead): VendorReply;
  /** The body exceeds `maxBodyBytes`. Default: `invalidBody` with status 413. */
  payloadTooLarge?(limit: number, req: RequestHead): VendorReply;
  /** A handler threw something that is not a `ReplyError`. */
  internal(req: RequestHead): VendorReply;
}

export type RouteHandler = (ctx: RouteContext) => VendorReply;

export interface RouteDefinition {
  method: HttpMethod;
  /** `/emails/:id`; `:name` segments become `ctx.req.params.name`. */
  path: string;
  /** Synchronous: it runs inside one SQLite transaction, rolled back if it throws. */
  handler: RouteHandler;
  /** The route honours idempotency keys (see `IdempotencyPolicy`). */
  idempotent?: boolean;
  description?: string;
}

export interface IdempotencyOriginal {
  key: string;
  method: string;
  path: string;
}

/** The vendor's idempotency behaviour; the engine stores and replays. */
export interface IdempotencyPolicy {
  /** Request header carrying the key, e.g. `idempotency-key`. Case-insensitive. */
  header: string;
  /** Which requests take keys. Default: routes declared `idempotent: true`. */
  applies?(route: RouteDefinition, req: RequestHead): boolean;
  /** Refuse malformed keys (Resend: 1–256 chars → 400 invalid_idempotency_key). */
  validateKey?(key: string, req: RequestHead): VendorReply | undefined;
  /** How long a key is remembered on the session clock. Default 24 h. */
  ttlMs?: number;
  /** Whether a result is stored. Default: 2xx/3xx and 5xx (validation failures are not). */
  shouldStore?(status: number): boolean;
  /** Same key, same endpoint, different parameters. */
  paramsMismatch(original: IdempotencyOriginal, req: RequestHead): VendorReply;
  /** Same key on another endpoint. Default: `paramsMismatch`. */
  endpointMismatch?(original: IdempotencyOriginal, req: RequestHead): VendorReply;
  /** Extra headers on a replayed response (Stripe: `Idempotent-Replayed: true`). */
  replayHeaders?(key: string): Record<string, string>;
}

export interface SignInput {
  /** The endpoint's secret (`whsec_…`, or Twilio's auth token). */
  secret: string;
  /** Message/event id (Svix `svix-id`). */
  id: string;
  /** Unix seconds on the session clock at send time. */
  timestamp: number;
  /** The exact body bytes being sent. */
  body: string;
  /** The URL being called (Twilio signs it). */
  url: string;
}

export interface WebhookSigner {
  /** Headers to add; they are stored with each attempt. */
  sign(input: SignInput): Record<string, string>;
}

export interface WebhookEvent {
  id: string;
  type: string;
  payload: unknown;
  /** Session-clock ms. */
  createdAt: number;
}

export interface WebhookPolicy {
  /** Event types this mirror emits (served by metadata; endpoints may subscribe to `*`). */
  eventTypes: string[];
  signer: WebhookSigner;
  /** Delays before attempts 2, 3, ... after a failure (Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  retryScheduleMs: number[];
  /** Per-attempt HTTP timeout (wall clock). Default 15 s. */
  timeoutMs?: number;
  /** Prefix for generated event ids. Default `evt_`. */
  eventIdPrefix?: string;
  /** Serialise the payload once; these exact bytes are signed and sent. Default JSON.stringify. */
  serialize?(event: WebhookEvent): string;
  /** Default `application/json`. */
  contentType?: string;
  /** Fixed headers on every delivery (User-Agent, ...). */
  headers?: Record<string, string>;
  /** Default: any 2xx. */
  isSuccess?(status: number): boolean;
}

export type TimerHandler = (ctx: SessionContext, payload: any) => void;

export interface SimulateEvent {
  description?: string;
  /** Fields the event takes, for metadata and the unknown-event hint. */
  fields?: string[];
  /** Runs the same state change as the real event (and its webhooks) in one transaction. */
  handler(ctx: SessionContext, fields: Record<string, unknown>): unknown;
}

export interface EntityDefinition {
  /** Table name, `[a-z][a-z0-9_]*`; seeds name it under `records`. */
  name: string;
  /** Id prefix for `ctx.db.insert` when the row has no id. */
  idPrefix?: string;
  /** JSON fields to index (`email`, `customer`). */
  indexes?: string[];
}

/**
 * One noun of a mirror's vocabulary for the deterministic check grammar ("Exactly 1
 * email is created in the Resend mirror"). Served by `GET /_mirra/metadata`, so checks work
 * the same against a remote control plane.
 */
export interface VocabularyNoun {
  /** State table (`GET /_mirra/state` key). */
  entity: string;
  plural: string;
  /** Other words users write for the same noun. */
  aliases?: string[];
  /** Field word → JSON path in the row (`'reply-to': 'reply_to'`, `'amount': 'amount'`). */
  fields: Record<string, string>;
  /** The field that holds the lifecycle status, and its values. */
  status?: { field: string; values: string[] };
}

export interface MirrorDefinition {
  /** Catalog name (`resend`). */
  name: string;
  /** How users write the vendor's name in criteria (`Resend`). Default: `name`. */
  displayName?: string;
  /** Nouns of this mirror for the check grammar, keyed by singular (`email`). */
  vocabulary?: Record<string, VocabularyNoun>;
  /** Mirror semver (`0.3.1`). Snapshots are refused across major.minor versions. */
  version: string;
  /** The vendor API version this mirror reproduces (`2026-07-29.dahlia`). */
  apiVersion: string;
  description?: string;
  credentials: CredentialScheme;
  errors: VendorErrors;
  entities: EntityDefinition[];
  /** Extra mirror-specific SQL run once when the database is created. */
  schemaSql?: string[];
  routes: RouteDefinition[];
  idempotency?: IdempotencyPolicy;
  webhooks?: WebhookPolicy;
  simulate?: Record<string, SimulateEvent>;
  timers?: Record<string, TimerHandler>;
  /** Adjust a seed row before it is stored (fill vendor defaults). */
  prepareSeedRecord?(entity: string, record: Record<string, unknown>, ctx: SessionContext): Record<string, unknown>;
  /** Called after a seed is loaded (derived rows, timers). */
  afterSeed?(ctx: SessionContext): void;
  /** Headers on every vendor response (Stripe `Request-Id`, Resend rate-limit headers). */
  responseHeaders?(ctx: SessionContext, reply: VendorReply, req: RequestHead): Record<string, string>;
  /** Body cap. Default 5 MiB. */
  maxBodyBytes?: number;
}

export function defineMirror(definition: MirrorDefinition): MirrorDefinition {
  return definition;
}
