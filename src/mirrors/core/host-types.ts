/**
 * The seam between the control plane (`src/server/`) and the mirror engine
 * (`src/mirrors/core/`). The server only uses what is declared here; the engine
 * is free to organise everything behind it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where a mirror's starting state comes from. */
export interface SeedRef {
  /** A built-in fixture name for this mirror, unprefixed (`transactional-busy`). */
  fixture?: string;
  /** A JSON seed file path (docs/seed-format.md). Wins over `fixture`. */
  file?: string;
  /** An inline seed document in the same format. Wins over both. */
  data?: unknown;
}

export type ClockMode = 'real' | 'manual';

export interface CreateInstanceOptions {
  sessionId: string;
  vendor: string;
  seed?: SeedRef;
  /** Persistent instances keep their database (WAL) and snapshots under `dir`. */
  persistent?: boolean;
  dir?: string;
  clock?: ClockMode;
  /** Reuse credentials (a persistent session reopened after a restart). */
  apiKey?: string;
  webhookSecret?: string;
  /** Pin a mirror version (`0.3.1`); refused with MirrorEngineError when unsupported. */
  version?: string;
}

export interface SnapshotInfo {
  snapshotId: string;
  vendor: string;
  mirrorVersion: string;
  createdAt: string;
  bytes: number;
}

export interface SettleReport {
  timersFired: number;
  deliveries: number;
  /** Session-clock time after settling, ISO. */
  now: string;
}

export interface InstanceStats {
  requests: number;
  webhooks: number;
  errors: number;
}

/** One row of a session's trace (see docs/mirror-engine.md#trace). */
export interface TraceEntry {
  /** Increasing; use it as `since` to read only newer rows. */
  id: number;
  /** ISO time on the session clock. */
  at: string;
  /** `request`, `state`, `webhook`, `probe`, `timer`, `simulate`, `clock`, `lifecycle`, `error`, `note`. */
  kind: string;
  level: 'info' | 'error';
  data: Record<string, unknown>;
}

export interface TraceQuery {
  /** Rows after this id (exclusive), or at/after this ISO time. */
  since?: number | string;
  kinds?: string[];
  level?: 'info' | 'error';
  /** Keep only the newest `limit` rows. */
  limit?: number;
}

/** One session's instance of one mirror. */
export interface MirrorInstance {
  readonly sessionId: string;
  readonly vendor: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  reset(seed?: SeedRef): void;
  snapshot(): SnapshotInfo;
  restore(snapshotId: string): void;
  listSnapshots(): SnapshotInfo[];
  /** JSON dump of the mirror's tables. */
  state(): Record<string, unknown[]>;
  settle(options?: { horizonMs?: number }): Promise<SettleReport>;
  /**
   * The session's trace, oldest first; kept across reset and restore. Optional in the
   * seam so test fakes need not implement it; the engine's instances always do.
   */
  trace?(query?: TraceQuery): TraceEntry[];
  stats(): InstanceStats;
  /** Release handles; persistent state stays on disk. */
  close(): void;
  /** Release handles and delete all state. */
  destroy(): void;
}

/** Events published for the SSE stream (`GET /v1/sessions/{id}/events`). */
export interface MirrorEvent {
  type:
    | 'traffic.request_completed'
    | 'webhook.dispatched'
    | 'state.changed'
    | 'session.lifecycle'
    | 'evaluation.criterion_graded';
  sessionId: string;
  data: Record<string, unknown>;
  /** ISO time on the session clock. */
  at: string;
}

/** Errors the engine raises for the control plane to map onto its envelope. */
export interface MirrorEngineErrorShape {
  /** `mirra.<area>.<reason>`, e.g. `mirra.session.mirror_not_in_catalog`. */
  code: string;
  message: string;
  hint?: string;
  /** HTTP status the control plane should answer with. */
  status: number;
}

export interface MirrorHost {
  /** Names of the mirrors this host can run (`resend`, `stripe`, `twilio`, test mirrors). */
  catalog(): string[];
  /** `{ name, version, apiVersion, ... }` as served by `GET /_mirra/metadata`. */
  metadata(vendor: string): Record<string, unknown>;
  create(options: CreateInstanceOptions): MirrorInstance;
  /**
   * Serve mirror traffic and `/_mirra/*` admin calls. Returns false when the
   * request carries no credential or path of any mirror, so the caller can
   * answer it (control plane routes, 404).
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  subscribe(sessionId: string, listener: (event: MirrorEvent) => void): () => void;
  /** Publish an event on a session's stream (the control plane's own lifecycle events). */
  publish(event: MirrorEvent): void;
  close(): Promise<void>;
}
