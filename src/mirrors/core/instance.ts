/**
 * One session's instance of one mirror: its database (swapped on reset/restore), clock,
 * timers, trace, webhook dispatcher and the vendor request pipeline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, rmdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ClockMode,
  CreateInstanceOptions,
  InstanceStats,
  MirrorEvent,
  MirrorInstance,
  SeedRef,
  SettleReport,
  SnapshotInfo,
} from './host-types.js';
import type { InstanceCredentials, MirrorDefinition, RequestHead, RouteDefinition, VendorReply } from './definition.js';
import type { MirrorRequest, RouteContext, SessionContext } from './context.js';
import { ReplyError } from './context.js';
import {
  ENGINE_SCHEMA,
  SessionDb,
  entitySchema,
  openEmpty,
  openFile,
  openMemoryImage,
  removeDbFiles,
  serializeDb,
  writeImageFile,
} from './database.js';
import { SessionClock, type ClockState } from './clock.js';
import { insertTrace, queryTrace, readTraceRows, trimForTrace, writeTraceRows, type TraceEntry, type TraceQuery } from './trace.js';
import { createEntityStore, type EntityStore } from './store.js';
import { cancelTimer, earliestDueAt, listTimers, nextDueTimer, scheduleTimer, type TimerRow } from './timers.js';
import { ATTEMPT_TIMER, WebhookDispatcher, type ProbeResult, type WebhookDelivery, type WebhookMode } from './webhooks.js';
import { hitRateLimit } from './rate-limit.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS, defaultShouldStore, findIdempotent, hashParams, pruneIdempotency, storeIdempotent } from './idempotency.js';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, MalformedBodyError, parseBody, readRawBody } from './body.js';
import { decodeForm } from './form-encoding.js';
import { deterministicId, randomId, uuid } from './ids.js';
import { MirrorEngineError, didYouMean } from './errors.js';
import { compatibleVersions } from './semver.js';
import { resolveSeed, type SeedDocument } from './seed.js';
import { fileSnapshotStore, memorySnapshotStore, type SnapshotStore } from './snapshots.js';
import { serializeReply, writeSerialized } from './respond.js';
import type { Router } from './router.js';

export const DEFAULT_SETTLE_HORIZON_MS = 60 * 60 * 1000;
export const DEFAULT_SETTLE_WAIT_MS = 15_000;
const MAX_TIMERS_PER_PASS = 100_000;

export interface InstanceParams {
  definition: MirrorDefinition;
  router: Router<RouteDefinition>;
  options: CreateInstanceOptions;
  credentials: InstanceCredentials;
  fixturesDir: string;
  /** Resolved directory for persistent instances. */
  dir: string | undefined;
  publicUrl: string | undefined;
  publish(event: MirrorEvent): void;
  onClose(instance: EngineInstance): void;
}

export interface ClockInfo {
  mode: ClockMode;
  now: string;
  nowMs: number;
}

export interface SimulateResult {
  event: string;
  result: unknown;
}

export function versionHeader(def: MirrorDefinition): string {
  return `${def.name}@${def.version} · api=${def.apiVersion}`;
}

export class EngineInstance implements MirrorInstance {
  readonly sessionId: string;
  readonly vendor: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly persistent: boolean;
  readonly dir: string | undefined;
  readonly definition: MirrorDefinition;
  readonly dispatcher: WebhookDispatcher;

  private sdb!: SessionDb;
  private seedImage!: Buffer;
  private seedDoc!: SeedDocument;
  private readonly clock: SessionClock;
  private webhookMode: WebhookMode = 'deliver';
  private settingsCache: Record<string, unknown> | undefined;
  private readonly entityNames: Set<string>;
  private readonly store: EntityStore;
  private readonly snapshots: SnapshotStore;
  private closed = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private opDepth = 0;
  private pendingEvents: MirrorEvent[] = [];
  private afterCommit: Array<() => void> = [];
  private suppressTrace = false;

  constructor(private readonly params: InstanceParams) {
    const { definition, options, credentials } = params;
    this.definition = definition;
    this.sessionId = options.sessionId;
    this.vendor = definition.name;
    this.version = definition.version;
    this.apiVersion = definition.apiVersion;
    this.apiKey = credentials.apiKey;
    this.webhookSecret = credentials.webhookSecret;
    this.persistent = options.persistent === true;
    this.dir = params.dir;
    this.entityNames = new Set(definition.entities.map((e) => e.name));
    this.clock = new SessionClock(options.clock ?? 'real');
    this.store = createEntityStore({
      db: () => this.sdb,
      now: () => this.clock.now(),
      newId: (entity) => this.nextId(definition.entities.find((e) => e.name === entity)?.idPrefix ?? `${entity}_`),
      entities: this.entityNames,
      changed: (entity, id, before, after) => this.stateChanged(entity, id, before, after),
    });
    this.dispatcher = new WebhookDispatcher({
      db: () => this.sdb,
      now: () => this.clock.now(),
      vendor: this.vendor,
      policy: definition.webhooks,
      defaultSecret: this.webhookSecret,
      mode: () => this.webhookMode,
      newId: (prefix) => this.nextId(prefix),
      trace: (kind, level, data) => this.record(kind, level, data),
      publishDispatched: (data) => this.publish('webhook.dispatched', data),
      op: (fn) => this.op(fn),
      afterCommit: (fn) => this.afterCommit.push(fn),
      scheduleTimer: (kind, dueAt, payload) => scheduleTimer(this.sdb, kind, dueAt, payload, this.clock.now()),
      cancelTimer: (id) => void cancelTimer(this.sdb, id),
      isLive: () => !this.closed,
    });

    if (this.persistent) {
      if (!this.dir) throw new Error('persistent instance without a directory');
      mkdirSync(this.dir, { recursive: true });
      this.snapshots = fileSnapshotStore(join(this.dir, 'snapshots'));
    } else {
      this.snapshots = memorySnapshotStore();
    }

    if (this.persistent && existsSync(this.statePath) && existsSync(this.seedImagePath)) {
      this.reopen();
    } else {
      this.seedDoc = resolveSeed(options.seed, definition, params.fixturesDir);
      this.applySeedClock(this.seedDoc, options.clock !== undefined);
      this.seedImage = this.buildSeedImage(this.seedDoc);
      this.sdb = this.openImage(this.seedImage);
      this.persistSeed();
      this.writeRuntimeMeta();
      this.op(() => this.record('lifecycle', 'info', { mirror: this.vendor, action: 'created', seed: this.seedLabel() }));
    }
  }

  // ── files ────────────────────────────────────────────────────────────────────
  private get statePath(): string {
    return join(this.dir!, 'state.sqlite');
  }
  private get seedImagePath(): string {
    return join(this.dir!, 'seed.sqlite');
  }
  private get seedDocPath(): string {
    return join(this.dir!, 'seed.json');
  }

  private reopen(): void {
    const db = new SessionDb(openFile(this.statePath));
    const mirror = db.meta('mirror');
    const stamped = db.meta('mirror_version') ?? '';
    if (mirror !== this.vendor) {
      db.close();
      throw new MirrorEngineError(
        'mirra.state.wrong_mirror',
        `The state in ${this.dir} belongs to mirror '${mirror}', not '${this.vendor}'.`,
        'Use a different directory for each mirror of a session.',
        409,
      );
    }
    if (!compatibleVersions(stamped, this.version)) {
      db.close();
      throw new MirrorEngineError(
        'mirra.state.incompatible_version',
        `The state in ${this.dir} was written by ${this.vendor} ${stamped}; this is ${this.vendor} ${this.version}.`,
        `Pin version '${stamped}' to reopen it, or start a new session.`,
        409,
      );
    }
    this.sdb = db;
    this.seedImage = readFileSync(this.seedImagePath);
    this.seedDoc = existsSync(this.seedDocPath) ? (JSON.parse(readFileSync(this.seedDocPath, 'utf8')) as SeedDocument) : { mirror: this.vendor };
    const clock = db.meta('clock');
    if (clock) {
      const state = JSON.parse(clock) as ClockState;
      const restored = SessionClock.fromState(state);
      this.clock.setMode(state.mode);
      this.clock.set(restored.now());
    }
    const mode = db.meta('webhook_mode');
    if (mode === 'collect' || mode === 'deliver') this.webhookMode = mode;
    db.setMeta('mirror_version', this.version);
    this.op(() => this.record('lifecycle', 'info', { mirror: this.vendor, action: 'reopened', previousVersion: stamped }));
  }

  private persistSeed(): void {
    if (!this.persistent) return;
    writeFileSync(this.seedImagePath, this.seedImage);
    writeFileSync(this.seedDocPath, JSON.stringify(this.seedDoc));
  }

  private openImage(image: Buffer): SessionDb {
    return new SessionDb(this.persistent ? writeImageFile(this.statePath, image) : openMemoryImage(image));
  }

  /** Replace the live database with an image, keeping the trace history. */
  private swapDb(image: Buffer): void {
    const rows = readTraceRows(this.sdb);
    this.sdb.close();
    this.sdb = this.openImage(image);
    writeTraceRows(this.sdb, rows);
    this.settingsCache = undefined;
    this.writeRuntimeMeta();
  }

  private writeRuntimeMeta(): void {
    this.sdb.setMeta('clock', JSON.stringify(this.clock.state()));
    this.sdb.setMeta('webhook_mode', this.webhookMode);
  }

  // ── seeding ──────────────────────────────────────────────────────────────────
  private seedLabel(): string {
    return this.seedDoc.name ? `${this.vendor}:${this.seedDoc.name}` : `${this.vendor}:(custom)`;
  }

  private applySeedClock(doc: SeedDocument, explicitMode: boolean): void {
    if (doc.clock?.mode && !explicitMode) this.clock.setMode(doc.clock.mode);
    if (doc.clock?.now) this.clock.set(Date.parse(doc.clock.now));
  }

  private buildSeedImage(doc: SeedDocument): Buffer {
    const temp = new SessionDb(openEmpty());
    const previous = this.sdb as SessionDb | undefined;
    try {
      temp.raw.exec(ENGINE_SCHEMA);
      for (const e of this.definition.entities) temp.raw.exec(entitySchema(e.name, e.indexes));
      for (const sql of this.definition.schemaSql ?? []) temp.raw.exec(sql);
      temp.setMeta('mirror', this.vendor);
      temp.setMeta('mirror_version', this.version);
      temp.setMeta('api_version', this.apiVersion);
      temp.setMeta('seed', JSON.stringify({ name: doc.name ?? null, description: doc.description ?? null, settings: doc.settings ?? {} }));
      temp.setMeta('id_counter', '0');
      this.sdb = temp;
      this.settingsCache = undefined;
      this.suppressTrace = true;
      temp.transaction(() => {
        const ctx = this.context();
        for (const [entity, rows] of Object.entries(doc.records ?? {})) {
          for (const row of rows) {
            const prepared = this.definition.prepareSeedRecord?.(entity, structuredClone(row), ctx) ?? row;
            this.store.insert(entity, prepared);
          }
        }
        for (const w of doc.webhooks ?? []) this.dispatcher.register({ url: w.url, events: w.events, id: w.id, secret: w.secret }, 'seed');
        this.definition.afterSeed?.(ctx);
      });
      return serializeDb(temp.raw);
    } catch (err) {
      if (err instanceof MirrorEngineError) throw err;
      throw new MirrorEngineError(
        'mirra.seed.invalid',
        `Invalid seed for mirror '${this.vendor}': ${(err as Error).message}`,
        'See docs/seed-format.md for the seed format.',
        400,
      );
    } finally {
      this.suppressTrace = false;
      this.sdb = previous as SessionDb;
      this.settingsCache = undefined;
      temp.close();
      this.pendingEvents = [];
      this.afterCommit = [];
    }
  }

  // ── operations, trace, events ───────────────────────────────────────────────
  /** Run `fn` atomically; events and post-commit work are released only on commit. */
  op<T>(fn: () => T): T {
    if (this.opDepth > 0) return this.sdb.transaction(fn);
    this.opDepth++;
    let result: T;
    try {
      result = this.sdb.transaction(fn);
    } catch (err) {
      this.pendingEvents = [];
      this.afterCommit = [];
      throw err;
    } finally {
      this.opDepth--;
    }
    const events = this.pendingEvents;
    const after = this.afterCommit;
    this.pendingEvents = [];
    this.afterCommit = [];
    for (const e of events) this.safePublish(e);
    for (const f of after) {
      try {
        f();
      } catch {
        /* post-commit work never breaks the operation */
      }
    }
    this.schedulePump();
    return result;
  }

  private safePublish(event: MirrorEvent): void {
    try {
      this.params.publish(event);
    } catch {
      /* a listener's failure is not the mirror's */
    }
  }

  private publish(type: MirrorEvent['type'], data: Record<string, unknown>): void {
    if (this.suppressTrace) return;
    const event: MirrorEvent = { type, sessionId: this.sessionId, data, at: this.clock.iso() };
    if (this.opDepth > 0) this.pendingEvents.push(event);
    else this.safePublish(event);
  }

  private record(kind: string, level: 'info' | 'error', data: Record<string, unknown>): void {
    if (this.suppressTrace) return;
    insertTrace(this.sdb, this.clock.now(), kind, level, data);
  }

  private stateChanged(entity: string, id: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null): void {
    const data = { mirror: this.vendor, entity, entityId: id, before: trimForTrace(before), after: trimForTrace(after) };
    this.record('state', 'info', data);
    this.publish('state.changed', data);
  }

  // ── context ──────────────────────────────────────────────────────────────────
  private settings(): Record<string, unknown> {
    if (!this.settingsCache) {
      const raw = this.sdb.meta('seed');
      this.settingsCache = raw ? ((JSON.parse(raw) as { settings?: Record<string, unknown> }).settings ?? {}) : {};
    }
    return this.settingsCache;
  }

  private nextId(prefix: string, length = 24, alphabet?: string): string {
    const settings = this.settings();
    if (settings.deterministicIds === true) {
      const n = Number(this.sdb.meta('id_counter') ?? '0') + 1;
      this.sdb.setMeta('id_counter', String(n));
      return deterministicId(prefix, String(settings.idSeed ?? this.seedDoc?.name ?? this.vendor), n, length, alphabet);
    }
    return randomId(prefix, length, alphabet);
  }

  /** Built once: everything in it reads the instance's current state through `this`. */
  context(): SessionContext {
    return (this.cachedContext ??= this.buildContext());
  }

  private cachedContext?: SessionContext;

  private buildContext(): SessionContext {
    const self = this;
    const fail = (status: number, body?: unknown, headers?: Record<string, string>): never => {
      throw new ReplyError({ status, body, headers });
    };
    return {
      vendor: this.vendor,
      sessionId: this.sessionId,
      version: this.version,
      apiVersion: this.apiVersion,
      publicUrl: this.params.publicUrl,
      credentials: { apiKey: this.apiKey, webhookSecret: this.webhookSecret },
      get settings() {
        return self.settings();
      },
      now: () => this.clock.now(),
      nowIso: () => this.clock.iso(),
      nowUnix: () => Math.floor(this.clock.now() / 1000),
      db: this.store,
      get sql() {
        return self.sdb;
      },
      ids: { next: (prefix, length, alphabet) => this.nextId(prefix, length, alphabet), uuid },
      webhooks: {
        secret: this.webhookSecret,
        register: (input) => {
          const endpoint = this.dispatcher.register(input, 'api');
          this.record('webhook', 'info', { mirror: this.vendor, action: 'endpoint_registered', endpointId: endpoint.id, url: endpoint.url, events: endpoint.events });
          return endpoint;
        },
        list: () => this.dispatcher.list(),
        get: (id) => this.dispatcher.get(id),
        update: (id, patch) => this.dispatcher.update(id, patch),
        remove: (id) => this.dispatcher.remove(id),
        emit: (type, payload, options) => this.dispatcher.emit(type, payload, options),
      },
      timers: {
        schedule: (kind, when, payload) => {
          if (!this.definition.timers?.[kind]) throw new Error(`Unknown timer kind '${kind}' for mirror '${this.vendor}'.`);
          const dueAt = typeof when === 'number' ? this.clock.now() + when : when.at;
          return scheduleTimer(this.sdb, kind, dueAt, payload, this.clock.now());
        },
        cancel: (id) => cancelTimer(this.sdb, id),
        pending: (kind) => listTimers(this.sdb, kind),
      },
      rateLimit: (bucket, rule) => hitRateLimit(this.sdb, bucket, rule, this.clock.now()),
      note: (data, kind = 'note') => this.record(kind, 'info', { mirror: this.vendor, ...data }),
      fail,
    };
  }

  // ── timers and the clock ────────────────────────────────────────────────────
  /** Fire every timer due at or before `until`, in due order; returns how many fired. */
  private fireDue(until: number, moveClock: boolean): number {
    let fired = 0;
    while (!this.closed && fired < MAX_TIMERS_PER_PASS) {
      const timer = nextDueTimer(this.sdb, until);
      if (!timer) break;
      if (moveClock && timer.dueAt > this.clock.now()) this.clock.set(timer.dueAt);
      this.runTimer(timer);
      fired++;
    }
    return fired;
  }

  private runTimer(timer: TimerRow): void {
    try {
      this.op(() => {
        this.sdb.run('DELETE FROM _mirra_timers WHERE id = ?', timer.id);
        if (timer.kind === ATTEMPT_TIMER) {
          this.dispatcher.attempt((timer.payload as { deliveryId: string }).deliveryId);
          return;
        }
        const handler = this.definition.timers?.[timer.kind];
        if (!handler) throw new Error(`No handler for timer kind '${timer.kind}'.`);
        handler(this.context(), timer.payload);
        this.record('timer', 'info', { mirror: this.vendor, timerId: timer.id, kind: timer.kind, dueAt: new Date(timer.dueAt).toISOString(), payload: trimForTrace(timer.payload) });
      });
    } catch (err) {
      // The handler's changes are rolled back; drop the timer so it cannot loop, and say so.
      this.op(() => {
        this.sdb.run('DELETE FROM _mirra_timers WHERE id = ?', timer.id);
        this.record('error', 'error', { mirror: this.vendor, source: 'timer', timerId: timer.id, kind: timer.kind, message: errorMessage(err) });
      });
    }
  }

  /** Real mode: one unref'd setTimeout for the earliest timer. Manual: only already-due timers. */
  private schedulePump(): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (this.closed) return;
    const due = earliestDueAt(this.sdb);
    if (due === undefined) return;
    const delay = due - this.clock.now();
    if (this.clock.getMode() === 'manual' && delay > 0) return;
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = undefined;
        if (this.closed) return;
        try {
          this.fireDue(this.clock.now(), false);
        } finally {
          this.schedulePump();
        }
      },
      Math.max(0, Math.min(delay, 2 ** 31 - 1)),
    );
    this.pumpTimer.unref();
  }

  clockInfo(): ClockInfo {
    return { mode: this.clock.getMode(), now: this.clock.iso(), nowMs: this.clock.now() };
  }

  setClockMode(mode: ClockMode): ClockInfo {
    this.clock.setMode(mode);
    this.op(() => {
      this.writeRuntimeMeta();
      this.record('clock', 'info', { mirror: this.vendor, action: 'mode', mode });
    });
    return this.clockInfo();
  }

  /** Move the clock forward to `target`, firing due timers in due order on the way. */
  advanceClockTo(target: number): ClockInfo & { timersFired: number } {
    this.assertOpen();
    const from = this.clock.now();
    if (target < from) {
      throw new MirrorEngineError(
        'mirra.clock.backwards',
        `The session clock cannot go back (now ${new Date(from).toISOString()}, asked ${new Date(target).toISOString()}).`,
        'Advance with a positive duration, or reset the session to its seed.',
        400,
      );
    }
    const timersFired = this.fireDue(target, true);
    if (this.clock.now() < target) this.clock.set(target);
    this.op(() => {
      this.writeRuntimeMeta();
      this.record('clock', 'info', { mirror: this.vendor, action: 'advance', from: new Date(from).toISOString(), to: this.clock.iso(), timersFired });
    });
    return { ...this.clockInfo(), timersFired };
  }

  advanceClock(ms: number): ClockInfo & { timersFired: number } {
    return this.advanceClockTo(this.clock.now() + ms);
  }

  pendingTimers(): TimerRow[] {
    return listTimers(this.sdb);
  }

  async settle(options: { horizonMs?: number; waitMs?: number } = {}): Promise<SettleReport> {
    this.assertOpen();
    const horizon = this.clock.now() + (options.horizonMs ?? DEFAULT_SETTLE_HORIZON_MS);
    const deadline = Date.now() + (options.waitMs ?? DEFAULT_SETTLE_WAIT_MS);
    const attemptsBefore = this.countAttempts();
    let timersFired = 0;
    for (;;) {
      if (this.closed) break;
      timersFired += this.fireDue(horizon, true);
      if (this.dispatcher.inFlight() === 0) {
        if (nextDueTimer(this.sdb, horizon) === undefined) break;
        continue;
      }
      if (Date.now() >= deadline) break;
      await this.dispatcher.drain(deadline - Date.now());
      if (this.dispatcher.inFlight() > 0) break;
    }
    const report: SettleReport = { timersFired, deliveries: this.closed ? 0 : this.countAttempts() - attemptsBefore, now: this.clock.iso() };
    if (!this.closed) {
      this.op(() => {
        this.writeRuntimeMeta();
        this.record('clock', 'info', { mirror: this.vendor, action: 'settle', ...report, pendingDeliveries: this.dispatcher.inFlight() });
      });
    }
    return report;
  }

  private countAttempts(): number {
    return this.sdb.get<{ n: number }>('SELECT COUNT(*) AS n FROM _mirra_webhook_attempts')!.n;
  }

  // ── lifecycle: reset, snapshots ─────────────────────────────────────────────
  reset(seed?: SeedRef): void {
    this.assertOpen();
    if (seed && (seed.data !== undefined || seed.file !== undefined || (seed.fixture !== undefined && seed.fixture !== ''))) {
      const doc = resolveSeed(seed, this.definition, this.params.fixturesDir);
      this.applySeedClock(doc, false);
      this.seedImage = this.buildSeedImage(doc);
      this.seedDoc = doc;
      this.persistSeed();
    } else if (this.seedDoc.clock?.now) {
      this.clock.set(Date.parse(this.seedDoc.clock.now));
    }
    this.swapDb(this.seedImage);
    const data = { mirror: this.vendor, action: 'reset', seed: this.seedLabel() };
    this.op(() => this.record('lifecycle', 'info', data));
    this.publish('session.lifecycle', data);
  }

  snapshot(): SnapshotInfo {
    this.assertOpen();
    const image = serializeDb(this.sdb.raw);
    const info: SnapshotInfo = {
      snapshotId: randomId('snap_', 16),
      vendor: this.vendor,
      mirrorVersion: this.version,
      createdAt: this.clock.iso(),
      bytes: image.length,
    };
    this.snapshots.save(info, image);
    const data = { mirror: this.vendor, action: 'snapshot', snapshotId: info.snapshotId, bytes: info.bytes };
    this.op(() => this.record('lifecycle', 'info', data));
    this.publish('session.lifecycle', data);
    return info;
  }

  restore(snapshotId: string): void {
    this.assertOpen();
    const stored = this.snapshots.load(snapshotId);
    if (!stored) {
      throw new MirrorEngineError(
        'mirra.snapshot.not_found',
        `Snapshot '${snapshotId}' not found for mirror '${this.vendor}' in session '${this.sessionId}'.`,
        'List snapshots with GET /_mirra/state/snapshots.',
        404,
      );
    }
    // The image's own stamp is authoritative; the info file is only a label.
    const probe = new SessionDb(openMemoryImage(stored.image));
    let mirror: string | undefined;
    let version: string | undefined;
    try {
      mirror = probe.meta('mirror');
      version = probe.meta('mirror_version');
    } catch {
      mirror = undefined;
    } finally {
      probe.close();
    }
    if (mirror !== this.vendor) {
      throw new MirrorEngineError(
        'mirra.snapshot.wrong_mirror',
        `Snapshot '${snapshotId}' is not a ${this.vendor} snapshot.`,
        'Restore a snapshot taken from this mirror.',
        409,
      );
    }
    if (!version || !compatibleVersions(version, this.version)) {
      throw new MirrorEngineError(
        'mirra.snapshot.incompatible_version',
        `Snapshot '${snapshotId}' was taken with ${this.vendor} ${version}; this mirror is ${this.vendor} ${this.version}, which cannot restore it.`,
        `Snapshots restore only into the same major.minor version (${version?.split('.').slice(0, 2).join('.')}.x). Pin version '${version}' for this session, or take a new snapshot.`,
        409,
      );
    }
    this.swapDb(stored.image);
    this.sdb.setMeta('mirror_version', this.version);
    const data = { mirror: this.vendor, action: 'restore', snapshotId };
    this.op(() => this.record('lifecycle', 'info', data));
    this.publish('session.lifecycle', data);
  }

  listSnapshots(): SnapshotInfo[] {
    return this.snapshots.list();
  }

  // ── introspection ────────────────────────────────────────────────────────────
  state(): Record<string, unknown[]> {
    this.assertOpen();
    const out: Record<string, unknown[]> = {};
    for (const e of this.definition.entities) {
      out[e.name] = this.sdb.all<{ data: string }>(`SELECT data FROM "${e.name}" ORDER BY seq`).map((r) => JSON.parse(r.data));
    }
    out._webhook_endpoints = this.dispatcher.list();
    out._timers = listTimers(this.sdb).map((t) => ({ ...t, dueAt: new Date(t.dueAt).toISOString(), createdAt: new Date(t.createdAt).toISOString() }));
    return out;
  }

  /** Trace rows of this session (kept across reset/restore), oldest first. */
  trace(query?: TraceQuery): TraceEntry[] {
    this.assertOpen();
    return queryTrace(this.sdb, query);
  }

  stats(): InstanceStats {
    if (this.closed) return { requests: 0, webhooks: 0, errors: 0 };
    const row = this.sdb.get<{ requests: number; webhooks: number; errors: number }>(
      `SELECT
         SUM(CASE WHEN kind = 'request' THEN 1 ELSE 0 END) AS requests,
         SUM(CASE WHEN kind = 'webhook' AND json_extract(data, '$.action') IN ('attempted', 'collected') THEN 1 ELSE 0 END) AS webhooks,
         SUM(CASE WHEN level = 'error' THEN 1 ELSE 0 END) AS errors
       FROM _mirra_trace`,
    );
    return { requests: row?.requests ?? 0, webhooks: row?.webhooks ?? 0, errors: row?.errors ?? 0 };
  }

  seedInfo(): { name: string | null; description: string | null; label: string } {
    return { name: this.seedDoc.name ?? null, description: this.seedDoc.description ?? null, label: this.seedLabel() };
  }

  // ── webhooks ─────────────────────────────────────────────────────────────────
  getWebhookMode(): WebhookMode {
    return this.webhookMode;
  }

  setWebhookMode(mode: WebhookMode): void {
    this.webhookMode = mode;
    this.op(() => {
      this.writeRuntimeMeta();
      this.record('webhook', 'info', { mirror: this.vendor, action: 'mode', mode });
    });
  }

  deliveries(filter?: { status?: string }): WebhookDelivery[] {
    return this.dispatcher.deliveries(filter);
  }

  /** Re-send failed (and waiting-to-retry) deliveries now; resolves when the attempts finish. */
  async retryWebhooks(options: { waitMs?: number } = {}): Promise<{ retried: string[]; deliveries: WebhookDelivery[] }> {
    this.assertOpen();
    const retried = this.op(() => this.dispatcher.requeueFailed());
    this.fireDue(this.clock.now(), false);
    await this.dispatcher.drain(options.waitMs ?? DEFAULT_SETTLE_WAIT_MS);
    const ids = new Set(retried);
    return { retried, deliveries: this.closed ? [] : this.dispatcher.deliveries().filter((d) => ids.has(d.id)) };
  }

  probeSignatures(options?: { endpointId?: string; url?: string; eventType?: string; payload?: unknown }): Promise<ProbeResult[]> {
    this.assertOpen();
    return this.dispatcher.probe(options);
  }

  signatureVerifications(): ProbeResult[] {
    return this.dispatcher.verifications();
  }

  // ── simulate ─────────────────────────────────────────────────────────────────
  simulateEvents(): string[] {
    return Object.keys(this.definition.simulate ?? {}).sort();
  }

  simulate(event: unknown, fields: Record<string, unknown> = {}): SimulateResult {
    this.assertOpen();
    const names = this.simulateEvents();
    if (typeof event !== 'string' || event === '') {
      throw new MirrorEngineError('mirra.simulate.invalid', "Body field 'event' must be a non-empty string.", `Valid events for ${this.vendor}: ${names.join(', ') || '(none)'}.`, 400, { validEvents: names });
    }
    const sim = this.definition.simulate?.[event];
    if (!sim || !Object.prototype.hasOwnProperty.call(this.definition.simulate, event)) {
      const near = didYouMean(event, names);
      throw new MirrorEngineError(
        'mirra.simulate.unknown_event',
        `Unknown simulate event '${event}' for mirror '${this.vendor}'.${near ? ` Did you mean '${near}'?` : ''}`,
        `Valid events for ${this.vendor}: ${names.join(', ') || '(none)'}.`,
        400,
        { validEvents: names },
      );
    }
    try {
      const result = this.op(() => {
        const r = sim.handler(this.context(), fields);
        this.record('simulate', 'info', { mirror: this.vendor, event, fields: trimForTrace(fields), result: trimForTrace(r) });
        return r;
      });
      return { event, result: result ?? null };
    } catch (err) {
      if (err instanceof MirrorEngineError) throw err;
      if (err instanceof ReplyError) {
        const status = err.reply.status >= 400 && err.reply.status < 500 ? err.reply.status : 400;
        throw new MirrorEngineError(
          'mirra.simulate.rejected',
          `Simulate event '${event}' was rejected by the ${this.vendor} mirror.`,
          'See vendorError for the reason; check the ids and fields you passed.',
          status,
          { vendorError: err.reply.body ?? null },
        );
      }
      this.op(() => this.record('error', 'error', { mirror: this.vendor, source: 'simulate', event, message: errorMessage(err) }));
      throw new MirrorEngineError('mirra.simulate.failed', `Simulate event '${event}' failed: ${errorMessage(err)}`, 'This is a bug in the mirror; the state was rolled back.', 500);
    }
  }

  // ── vendor traffic ───────────────────────────────────────────────────────────
  async handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const def = this.definition;
    const head: RequestHead = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, headers: req.headers };
    let reply: VendorReply | undefined;
    let requestBody: unknown;
    let routePath: string | undefined;
    let idempotencyKey: string | undefined;
    let replayed = false;

    const match = this.params.router.match(head.method, head.path);
    if (match.kind !== 'match') {
      req.resume();
      reply =
        match.kind === 'method_not_allowed' && def.errors.methodNotAllowed ? def.errors.methodNotAllowed(head, match.allowed) : def.errors.notFound(head);
    } else {
      routePath = match.route.path;
      let raw: Buffer | undefined;
      try {
        raw = await readRawBody(req, def.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          reply = def.errors.payloadTooLarge ? def.errors.payloadTooLarge(err.limit, head) : { ...def.errors.invalidBody(err.message, head), status: 413 };
        } else {
          return; // the client went away
        }
      }
      if (!reply && raw) {
        try {
          requestBody = parseBody(raw, req.headers['content-type']);
        } catch (err) {
          if (!(err instanceof MalformedBodyError)) throw err;
          reply = def.errors.invalidBody(err.message, head);
          requestBody = raw.toString('utf8');
        }
        if (!reply) {
          if (this.closed) reply = def.errors.internal(head);
          else {
            const out = this.execute(match.route, match.params, head, url, raw, requestBody);
            reply = out.reply;
            replayed = out.replayed;
            idempotencyKey = out.idempotencyKey;
          }
        }
      }
    }

    const serialized = serializeReply(reply!);
    let extra: Record<string, string> = {};
    if (def.responseHeaders && !this.closed) {
      try {
        extra = this.op(() => def.responseHeaders!(this.context(), reply!, head));
      } catch {
        extra = {};
      }
    }
    writeSerialized(res, head.method, serialized, { ...lowerKeys(extra), 'x-mirra-version': versionHeader(def) });
    if (this.closed) return;
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    const data = {
      mirror: this.vendor,
      method: head.method,
      path: head.path,
      query: url.search ? url.search.slice(1) : undefined,
      route: routePath,
      status: serialized.status,
      durationMs,
      idempotencyKey,
      replayed: replayed || undefined,
      requestBody: trimForTrace(requestBody),
      responseBody: trimForTrace(parseForTrace(serialized)),
    };
    this.op(() => {
      this.record('request', serialized.status >= 500 ? 'error' : 'info', data);
      this.publish('traffic.request_completed', {
        mirror: this.vendor,
        method: head.method,
        path: head.path,
        status: serialized.status,
        durationMs,
        at: this.clock.iso(),
      });
    });
  }

  private execute(
    route: RouteDefinition,
    params: Record<string, string>,
    head: RequestHead,
    url: URL,
    raw: Buffer,
    body: unknown,
  ): { reply: VendorReply; replayed: boolean; idempotencyKey?: string } {
    const def = this.definition;
    const policy = def.idempotency;
    let key: string | undefined;
    if (policy && (policy.applies ? policy.applies(route, head) : route.idempotent === true)) {
      const v = head.headers[policy.header.toLowerCase()];
      key = Array.isArray(v) ? v[0] : v;
    }
    const paramsHash = key !== undefined ? hashParams(body) : '';
    if (policy && key !== undefined) {
      const invalid = policy.validateKey?.(key, head);
      if (invalid) return { reply: invalid, replayed: false, idempotencyKey: key };
      const found = this.op(() => {
        pruneIdempotency(this.sdb, this.clock.now(), policy.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
        return findIdempotent(this.sdb, key!);
      });
      if (found) {
        const original = { key, method: found.method, path: found.path };
        if (found.method !== head.method || found.path !== head.path) {
          return { reply: (policy.endpointMismatch ?? policy.paramsMismatch)(original, head), replayed: false, idempotencyKey: key };
        }
        if (found.paramsHash !== paramsHash) return { reply: policy.paramsMismatch(original, head), replayed: false, idempotencyKey: key };
        return {
          reply: { status: found.status, body: Buffer.from(found.body, 'base64'), headers: { ...found.headers, ...(policy.replayHeaders?.(key) ?? {}) } },
          replayed: true,
          idempotencyKey: key,
        };
      }
    }

    const request: MirrorRequest = {
      method: head.method,
      path: head.path,
      url: url.pathname + url.search,
      params,
      query: url.search ? decodeForm(url.search.slice(1)) : {},
      body,
      rawBody: raw,
      headers: head.headers,
      header(name) {
        const v = head.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      idempotencyKey: key,
    };
    let reply: VendorReply;
    try {
      reply = this.op(() => {
        const ctx = Object.assign(this.contextWithGetters(), {
          req: request,
          route,
          reply: (status: number, b?: unknown, headers?: Record<string, string>): VendorReply => ({ status, body: b, headers }),
        }) as RouteContext;
        const r = route.handler(ctx) as VendorReply | Promise<unknown> | undefined;
        if (r && typeof (r as Promise<unknown>).then === 'function') {
          throw new Error(`Route ${route.method} ${route.path} returned a Promise; route handlers must be synchronous.`);
        }
        if (!r || typeof (r as VendorReply).status !== 'number') throw new Error(`Route ${route.method} ${route.path} returned no reply.`);
        return r as VendorReply;
      });
    } catch (err) {
      if (err instanceof ReplyError) reply = err.reply;
      else {
        reply = def.errors.internal(head);
        this.op(() =>
          this.record('error', 'error', { mirror: this.vendor, source: 'route', method: head.method, path: head.path, route: route.path, message: errorMessage(err), stack: trimForTrace((err as Error)?.stack ?? null, 2000) }),
        );
      }
    }

    if (policy && key !== undefined && (policy.shouldStore ?? defaultShouldStore)(reply.status)) {
      const s = serializeReply(reply);
      this.op(() =>
        storeIdempotent(this.sdb, {
          key: key!,
          method: head.method,
          path: head.path,
          paramsHash,
          status: s.status,
          headers: s.headers,
          body: s.body.toString('base64'),
          createdAt: this.clock.now(),
        }),
      );
    }
    return { reply, replayed: false, idempotencyKey: key };
  }

  /** A per-request context inheriting the instance's (its getters for `settings`/`sql` keep working). */
  private contextWithGetters(): SessionContext {
    return Object.create(this.context()) as SessionContext;
  }

  // ── teardown ─────────────────────────────────────────────────────────────────
  isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new MirrorEngineError('mirra.session.closed', `The ${this.vendor} instance of session '${this.sessionId}' is closed.`, 'Create the session again.', 409);
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.writeRuntimeMeta();
    } catch {
      /* closing must not fail */
    }
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (this.persistent) {
      try {
        this.sdb.raw.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        /* best effort */
      }
    }
    this.sdb.close();
    this.params.onClose(this);
  }

  /** Wait (bounded) for deliveries in flight; used by the host on shutdown. */
  drain(capMs: number): Promise<void> {
    return this.dispatcher.drain(capMs);
  }

  destroy(): void {
    this.close();
    this.snapshots.clear();
    if (this.persistent && this.dir) {
      removeDbFiles(this.statePath);
      rmSync(this.seedImagePath, { force: true });
      rmSync(this.seedDocPath, { force: true });
      try {
        if (existsSync(this.dir) && readdirSync(this.dir).length === 0) rmdirSync(this.dir);
      } catch {
        /* leave a non-empty directory alone */
      }
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function parseForTrace(s: { headers: Record<string, string>; body: Buffer }): unknown {
  const type = s.headers['content-type'] ?? '';
  const text = s.body.toString('utf8');
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
