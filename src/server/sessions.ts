import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceStats, MirrorHost, MirrorInstance, SeedRef, ClockMode } from '../mirrors/core/host-types.js';
import { ApiError, errors, toApiError } from './errors.js';
import type { EventBus } from './events.js';
import { uniqueId } from './ids.js';
import { checkFields } from './json-body.js';
import { WarmPool, destroyInstances } from './pool.js';
import type { SessionRecord, SessionStatus, SnapshotGroup, Store, StoredMirror } from './store.js';
import { forbidden } from './auth.js';

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SNAPSHOT_ID_RE = /^snap_[A-Za-z0-9_-]{1,64}$/;

export interface CreateSessionInput {
  mirrors: string[];
  seeds: Record<string, SeedRef>;
  persistent: boolean;
  name?: string;
  timeoutSeconds: number;
  versions: Record<string, string>;
  clock?: ClockMode;
}

interface LiveSession {
  record: SessionRecord;
  instances: Map<string, MirrorInstance>;
  /** Stats at the moment a pooled instance was handed to this session. */
  baseline: Map<string, InstanceStats>;
  unsubscribe: (() => void)[];
  poolKey: string | null;
  /** How the instances were made, to pre-warm a replacement group. */
  input: CreateSessionInput | null;
  /** A reset with another seed replaced an instance's seed image: not poolable as-is. */
  reseeded: boolean;
}

export interface SessionManagerOptions {
  host: MirrorHost;
  store: Store;
  bus: EventBus;
  pool: WarmPool;
  dataDir: string;
  /** The origin mirror traffic is served on (this server). */
  url: () => string;
  quotaMinutes: (workspace: string) => number | undefined;
  log: (message: string) => void;
}

/** Sessions: provisioning, lookup, reset, snapshots, expiry, archive, reopen after restart. */
export class SessionManager {
  private readonly live = new Map<string, LiveSession>();
  /** Persistent sessions that could not be reopened at startup (id → reason). */
  private readonly unavailable = new Map<string, string>();

  constructor(private readonly o: SessionManagerOptions) {}

  // ── validation ──────────────────────────────────────────────────────────
  parseCreate(body: Record<string, unknown>): CreateSessionInput {
    checkFields(body, {
      mirrors: { type: 'string[]', required: true },
      seeds: { type: 'object' },
      persistent: { type: 'boolean' },
      name: { type: 'string' },
      timeoutSeconds: { type: 'integer' },
      versions: { type: 'object' },
      clock: { type: 'string' },
    });
    const mirrors = body.mirrors as string[];
    if (mirrors.length === 0) throw errors.invalidValue('mirrors', "Field 'mirrors' must name at least one mirror.", 'e.g. {"mirrors":["resend"]}.');
    const catalog = this.o.host.catalog();
    for (const m of mirrors) if (!catalog.includes(m)) throw mirrorNotInCatalog(m);
    if (new Set(mirrors).size !== mirrors.length) throw errors.invalidValue('mirrors', "Field 'mirrors' names a mirror twice.", 'List each mirror once.');
    const persistent = (body.persistent as boolean | undefined) ?? false;
    const name = body.name as string | undefined;
    if (name !== undefined && (!NAME_RE.test(name) || name.startsWith('ses_'))) {
      throw errors.invalidValue('name', `Invalid session name '${name.slice(0, 80)}'.`, "Use 1-64 letters, digits, '.', '_' or '-', not starting with 'ses_'.");
    }
    if (persistent && name === undefined) {
      throw new ApiError(400, 'mirra.session.name_required', 'Persistent sessions need a name.', 'Send "name", e.g. {"persistent":true,"name":"staging-acme"}.', { field: 'name' });
    }
    const timeoutSeconds = (body.timeoutSeconds as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS;
    if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw errors.invalidValue('timeoutSeconds', `timeoutSeconds must be between 1 and ${MAX_TIMEOUT_SECONDS}.`, 'The default is 3600 (one hour).');
    }
    const clock = body.clock as string | undefined;
    if (clock !== undefined && clock !== 'real' && clock !== 'manual') {
      throw errors.invalidValue('clock', "Field 'clock' must be 'real' or 'manual'.", "'manual' only moves the session clock on settle or clock calls.");
    }
    const versions: Record<string, string> = {};
    for (const [k, v] of Object.entries((body.versions as Record<string, unknown> | undefined) ?? {})) {
      if (!mirrors.includes(k)) throw errors.invalidValue(`versions.${k}`, `versions names '${k}', which is not in 'mirrors'.`, 'Pin versions only of the session\'s mirrors.');
      if (typeof v !== 'string') throw errors.invalidType(`versions.${k}`, 'a string', v);
      versions[k] = v;
    }
    return {
      mirrors,
      seeds: parseSeeds(body.seeds as Record<string, unknown> | undefined, mirrors),
      persistent,
      ...(name !== undefined ? { name } : {}),
      timeoutSeconds,
      versions,
      ...(clock !== undefined ? { clock: clock as ClockMode } : {}),
    };
  }

  // ── lifecycle ───────────────────────────────────────────────────────────
  create(workspace: string, input: CreateSessionInput): { record: SessionRecord; pooled: boolean; ms: number } {
    const started = performance.now();
    const quota = this.o.quotaMinutes(workspace);
    if (quota !== undefined && this.o.store.minutesUsed(workspace, Date.now()) >= quota) {
      throw new ApiError(402, 'mirra.quota.minutes_exhausted', `The workspace's ${quota} session-minute quota is used up.`, 'End idle sessions, reduce --runs, or raise quotaMinutes.');
    }
    if (input.name !== undefined && this.o.store.liveNameTaken(workspace, input.name)) {
      throw new ApiError(409, 'mirra.session.name_in_use', `A live session is already named '${input.name}'.`, 'Pick another name, or end the other session first (DELETE /v1/sessions/{id}).', { field: 'name' });
    }
    const id = uniqueId('ses', 4, (c) => this.live.has(c) || this.o.store.sessionExists(c));
    const now = Date.now();
    const dir = input.persistent ? join(this.o.dataDir, 'sessions', id) : null;
    const poolKey = input.persistent
      ? null
      : WarmPool.key({ workspace, mirrors: input.mirrors, seeds: input.seeds, versions: input.versions, ...(input.clock ? { clock: input.clock } : {}) });
    let instances: Map<string, MirrorInstance> | undefined;
    let pooled = false;
    if (poolKey && this.o.pool.enabled) {
      instances = this.o.pool.take(poolKey)?.instances;
      pooled = instances !== undefined;
      if (instances) instances = this.rekey(instances, id);
    }
    if (!instances) {
      instances = new Map();
      try {
        if (dir) mkdirSync(dir, { recursive: true });
        for (const vendor of input.mirrors) {
          const seed = input.seeds[vendor];
          instances.set(
            vendor,
            this.o.host.create({
              sessionId: id,
              vendor,
              ...(seed ? { seed } : {}),
              persistent: input.persistent,
              ...(dir ? { dir: join(dir, vendor) } : {}),
              ...(input.clock ? { clock: input.clock } : {}),
              ...(input.versions[vendor] ? { version: input.versions[vendor] } : {}),
            }),
          );
        }
      } catch (err) {
        destroyInstances(instances);
        if (dir) rmSync(dir, { recursive: true, force: true });
        throw toApiError(err);
      }
    }
    const record: SessionRecord = {
      id,
      workspace,
      name: input.name ?? id,
      persistent: input.persistent,
      status: 'ready',
      mirrors: input.mirrors.map((vendor) => storedMirror(instances.get(vendor)!)),
      seeds: input.seeds,
      options: { versions: input.versions, ...(input.clock ? { clock: input.clock } : {}) },
      timeoutSeconds: input.timeoutSeconds,
      createdAt: new Date(now).toISOString(),
      createdMs: now,
      expiresAt: input.persistent ? null : new Date(now + input.timeoutSeconds * 1000).toISOString(),
      endedAt: null,
      endedMs: null,
      dir,
      archiveDir: null,
      finalStats: null,
    };
    try {
      this.o.store.insertSession(record);
    } catch (err) {
      destroyInstances(instances);
      throw err;
    }
    this.attach(record, instances, poolKey, pooled, input);
    const ms = performance.now() - started;
    this.o.bus.publish(id, 'session.lifecycle', { event: 'created', pooled, durationMs: round(ms), mirrors: input.mirrors });
    return { record, pooled, ms };
  }

  /** Reopen persistent sessions and close out ephemeral ones left by a previous process. */
  recover(): void {
    const now = Date.now();
    for (const rec of this.o.store.sessionsWithStatus('ready')) {
      if (!rec.persistent) {
        rec.status = 'ended';
        rec.endedAt = new Date(now).toISOString();
        rec.endedMs = now;
        rec.finalStats = { ...(rec.finalStats ?? {}), endReason: 'server_restart' };
        this.o.store.updateSession(rec);
        continue;
      }
      const instances = new Map<string, MirrorInstance>();
      try {
        for (const m of rec.mirrors) {
          const seed = (rec.seeds as Record<string, SeedRef>)[m.vendor];
          const versions = (rec.options.versions as Record<string, string> | undefined) ?? {};
          instances.set(
            m.vendor,
            this.o.host.create({
              sessionId: m.instanceSessionId,
              vendor: m.vendor,
              ...(seed ? { seed } : {}),
              persistent: true,
              dir: join(rec.dir ?? join(this.o.dataDir, 'sessions', rec.id), m.vendor),
              apiKey: m.apiKey,
              webhookSecret: m.webhookSecret,
              ...(versions[m.vendor] ? { version: versions[m.vendor] } : {}),
              ...(rec.options.clock ? { clock: rec.options.clock as ClockMode } : {}),
            }),
          );
        }
      } catch (err) {
        for (const inst of instances.values()) safe(() => inst.close());
        const reason = err instanceof Error ? err.message : String(err);
        this.unavailable.set(rec.id, reason);
        this.o.log(`mirra: persistent session ${rec.id} could not be reopened: ${reason}`);
        continue;
      }
      this.attach(rec, instances, null, false, null);
      this.o.bus.publish(rec.id, 'session.lifecycle', { event: 'reopened' });
    }
  }

  private attach(record: SessionRecord, instances: Map<string, MirrorInstance>, poolKey: string | null, pooled: boolean, input: CreateSessionInput | null): void {
    const baseline = new Map<string, InstanceStats>();
    if (pooled) for (const [vendor, inst] of instances) baseline.set(vendor, safeStats(inst));
    const session: LiveSession = { record, instances, baseline, unsubscribe: [], poolKey, input, reseeded: false };
    this.live.set(record.id, session);
    this.o.bus.open(record.id);
    const internalIds = new Set([...instances.values()].map((i) => i.sessionId));
    for (const internal of internalIds) {
      session.unsubscribe.push(
        this.o.host.subscribe(internal, (event) => {
          this.o.bus.publish(record.id, event.type, event.data, event.at);
        }),
      );
    }
  }

  /**
   * Hand pooled instances to a new session. When the engine offers
   * `rekey(sessionId)` the instances get fresh credentials and the new id;
   * otherwise the old (ended) session's credentials are kept.
   */
  private rekey(instances: Map<string, MirrorInstance>, sessionId: string): Map<string, MirrorInstance> {
    const out = new Map<string, MirrorInstance>();
    for (const [vendor, inst] of instances) {
      const rekeyable = inst as MirrorInstance & { rekey?: (sessionId: string) => MirrorInstance | void };
      if (typeof rekeyable.rekey === 'function') {
        const next = rekeyable.rekey(sessionId);
        out.set(vendor, next ?? inst);
      } else out.set(vendor, inst);
    }
    return out;
  }

  /** End a session: `deleted` (DELETE), `expired` (timeout) or `shutdown` (server close; persistent stay ready). */
  end(id: string, reason: 'deleted' | 'expired'): SessionRecord {
    const s = this.live.get(id);
    if (!s) {
      const rec = this.o.store.getSession(id);
      if (!rec) throw errors.notFound('session', id);
      if (rec.status === 'ready' && rec.persistent && this.unavailable.has(id)) {
        // Could not reopen; archive whatever is on disk.
        this.unavailable.delete(id);
        this.archiveFiles(rec);
        rec.status = 'archived';
        rec.endedMs = Date.now();
        rec.endedAt = new Date(rec.endedMs).toISOString();
        this.o.store.updateSession(rec);
      }
      return rec;
    }
    const rec = s.record;
    const stats = this.stats(s);
    for (const u of s.unsubscribe) safe(u);
    this.live.delete(id);
    const now = Date.now();
    rec.endedMs = now;
    rec.endedAt = new Date(now).toISOString();
    rec.finalStats = { ...stats, endReason: reason };
    if (rec.persistent) {
      for (const inst of s.instances.values()) safe(() => inst.close());
      this.archiveFiles(rec);
      rec.status = 'archived';
    } else {
      rec.status = reason === 'expired' ? 'expired' : 'ended';
      this.recycle(s);
    }
    this.o.store.updateSession(rec);
    this.o.bus.publish(id, 'session.lifecycle', { event: 'ended', reason, status: rec.status });
    this.o.bus.close(id);
    return rec;
  }

  /**
   * Warm pool. With an engine that can re-key instances (`rekey`), the ended
   * session's instances are reset and parked for the next session with the
   * same key. Otherwise they are destroyed (their credentials die with the
   * session) and a fresh group is built in the background instead, so the
   * next create with this key is still a pool hit.
   */
  private recycle(s: LiveSession): void {
    const key = s.poolKey;
    if (!key || !this.o.pool.enabled) {
      destroyInstances(s.instances);
      return;
    }
    if (!s.reseeded && [...s.instances.values()].every((i) => typeof (i as { rekey?: unknown }).rekey === 'function')) {
      try {
        for (const inst of s.instances.values()) inst.reset();
        if (this.o.pool.put(key, s.instances)) return;
      } catch {
        // fall through: destroy
      }
      destroyInstances(s.instances);
      return;
    }
    destroyInstances(s.instances);
    const input = s.input;
    if (!input || !this.o.pool.wants(key)) return;
    this.o.pool.reserve(key);
    setImmediate(() => {
      const instances = new Map<string, MirrorInstance>();
      try {
        if (this.closed) return;
        const internal = uniqueId('ses_pool', 8, (c) => this.live.has(c));
        for (const vendor of input.mirrors) {
          const seed = input.seeds[vendor];
          instances.set(
            vendor,
            this.o.host.create({
              sessionId: internal,
              vendor,
              ...(seed ? { seed } : {}),
              persistent: false,
              ...(input.clock ? { clock: input.clock } : {}),
              ...(input.versions[vendor] ? { version: input.versions[vendor] } : {}),
            }),
          );
        }
        if (!this.o.pool.put(key, instances)) destroyInstances(instances);
      } catch {
        destroyInstances(instances);
      } finally {
        this.o.pool.release(key);
      }
    });
  }

  private closed = false;

  private archiveFiles(rec: SessionRecord): void {
    const from = rec.dir ?? join(this.o.dataDir, 'sessions', rec.id);
    if (!existsSync(from)) return;
    const archiveRoot = join(this.o.dataDir, 'archive');
    mkdirSync(archiveRoot, { recursive: true });
    const to = join(archiveRoot, rec.id);
    try {
      renameSync(from, to);
      rec.archiveDir = to;
    } catch (err) {
      this.o.log(`mirra: could not archive ${from}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** End ephemeral sessions whose timeout passed. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const s of [...this.live.values()]) {
      if (!s.record.persistent && s.record.expiresAt && Date.parse(s.record.expiresAt) <= now) {
        safe(() => this.end(s.record.id, 'expired'));
        n++;
      }
    }
    this.o.pool.evictIdle(now);
    return n;
  }

  /** Server close: ephemeral sessions end (state dropped), persistent ones close and stay ready. */
  shutdown(): void {
    this.closed = true;
    for (const s of [...this.live.values()]) {
      for (const u of s.unsubscribe) safe(u);
      this.live.delete(s.record.id);
      if (s.record.persistent) {
        for (const inst of s.instances.values()) safe(() => inst.close());
      } else {
        const rec = s.record;
        rec.finalStats = { ...this.stats(s), endReason: 'server_shutdown' };
        rec.status = 'ended';
        rec.endedMs = Date.now();
        rec.endedAt = new Date(rec.endedMs).toISOString();
        safe(() => this.o.store.updateSession(rec));
        destroyInstances(s.instances);
      }
      this.o.bus.publish(s.record.id, 'session.lifecycle', { event: 'server_shutdown' });
    }
    this.o.bus.closeAll();
    this.o.pool.drain();
  }

  // ── lookup ──────────────────────────────────────────────────────────────
  /** By id, else by name within the workspace; another workspace's session is a 403. */
  resolve(workspace: string, idOrName: string): SessionRecord {
    const rec =
      this.live.get(idOrName)?.record ??
      (/^ses_[a-z0-9]{1,32}$/.test(idOrName) ? this.o.store.getSession(idOrName) : undefined) ??
      this.o.store.findSessionByName(workspace, idOrName);
    if (!rec) throw errors.notFound('session', idOrName.slice(0, 100));
    if (rec.workspace !== workspace) throw forbidden();
    return rec;
  }

  /** A session that still has instances; ended ones answer 409. */
  requireLive(workspace: string, idOrName: string): LiveSession {
    const rec = this.resolve(workspace, idOrName);
    const s = this.live.get(rec.id);
    if (!s) {
      if (this.unavailable.has(rec.id)) {
        throw new ApiError(503, 'mirra.session.unavailable', `Session '${rec.id}' could not be reopened: ${this.unavailable.get(rec.id)}.`, 'Check the data dir, then restart the server or DELETE the session to archive it.');
      }
      throw new ApiError(409, 'mirra.session.ended', `Session '${rec.id}' has ${rec.status === 'expired' ? 'expired' : 'ended'}.`, 'Create a new session with POST /v1/sessions.');
    }
    return s;
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** Live sessions of a workspace count, for `GET /v1/sessions` summaries and tests. */
  liveCount(): number {
    return this.live.size;
  }

  view(rec: SessionRecord, withStats: boolean): Record<string, unknown> {
    const s = this.live.get(rec.id);
    const status: SessionStatus | 'unavailable' = this.unavailable.has(rec.id) ? 'unavailable' : rec.status;
    const out: Record<string, unknown> = {
      sessionId: rec.id,
      status,
      name: rec.name,
      persistent: rec.persistent,
      workspace: rec.workspace,
      mirrors: rec.mirrors.map((m) => ({
        vendor: m.vendor,
        url: this.o.url(),
        version: m.version,
        apiVersion: m.apiVersion,
        apiKey: m.apiKey,
        webhookSecret: m.webhookSecret,
      })),
      seeds: rec.seeds,
      timeoutSeconds: rec.timeoutSeconds,
      createdAt: rec.createdAt,
    };
    if (!rec.persistent) out.expiresAt = rec.expiresAt;
    if (rec.endedAt) out.endedAt = rec.endedAt;
    if (rec.archiveDir) out.archiveDir = rec.archiveDir;
    if (withStats) {
      if (s) out.stats = this.stats(s);
      else if (rec.finalStats) {
        const { endReason, ...stats } = rec.finalStats;
        out.stats = stats;
        if (endReason) out.endReason = endReason;
      } else out.stats = { requests: 0, webhooks: 0, errors: 0, mirrors: {} };
    }
    return out;
  }

  private stats(s: LiveSession): Record<string, unknown> & InstanceStats {
    const total: InstanceStats = { requests: 0, webhooks: 0, errors: 0 };
    const mirrors: Record<string, InstanceStats> = {};
    for (const [vendor, inst] of s.instances) {
      const now = safeStats(inst);
      const base = s.baseline.get(vendor);
      const st = base
        ? { requests: Math.max(0, now.requests - base.requests), webhooks: Math.max(0, now.webhooks - base.webhooks), errors: Math.max(0, now.errors - base.errors) }
        : now;
      mirrors[vendor] = st;
      total.requests += st.requests;
      total.webhooks += st.webhooks;
      total.errors += st.errors;
    }
    return { ...total, mirrors };
  }

  // ── reset, snapshots ────────────────────────────────────────────────────
  reset(workspace: string, idOrName: string, body: Record<string, unknown>): Record<string, unknown> {
    checkFields(body, { mirrors: { type: 'string[]' }, seeds: { type: 'object' } });
    const s = this.requireLive(workspace, idOrName);
    const selected = (body.mirrors as string[] | undefined) ?? [...s.instances.keys()];
    for (const m of selected) if (!s.instances.has(m)) throw notInSession(m, s.record.id);
    const seeds = parseSeeds(body.seeds as Record<string, unknown> | undefined, [...s.instances.keys()]);
    if (Object.keys(seeds).length > 0) s.reseeded = true;
    const started = performance.now();
    const mirrors: Record<string, unknown>[] = [];
    for (const vendor of selected) {
      const t0 = performance.now();
      const seed = seeds[vendor] ?? (s.record.seeds as Record<string, SeedRef>)[vendor];
      try {
        s.instances.get(vendor)!.reset(seeds[vendor]);
      } catch (err) {
        throw toApiError(err);
      }
      mirrors.push({ vendor, seed: seed ?? null, durationMs: round(performance.now() - t0) });
    }
    const durationMs = round(performance.now() - started);
    this.o.bus.publish(s.record.id, 'session.lifecycle', { event: 'reset', mirrors: selected, durationMs });
    return { sessionId: s.record.id, status: 'ready', mirrors, durationMs };
  }

  snapshot(workspace: string, idOrName: string, body: Record<string, unknown>): SnapshotGroup & { durationMs: number } {
    checkFields(body, { snapshotId: { type: 'string' }, mirrors: { type: 'string[]' } });
    const s = this.requireLive(workspace, idOrName);
    const explicit = body.snapshotId as string | undefined;
    if (explicit !== undefined) {
      if (!SNAPSHOT_ID_RE.test(explicit)) throw errors.invalidValue('snapshotId', `Invalid snapshot id '${explicit.slice(0, 80)}'.`, "Use 'snap_' followed by 1-64 letters, digits, '_' or '-'.");
      if (this.o.store.snapshotExists(explicit)) {
        throw new ApiError(409, 'mirra.snapshot.exists', `Snapshot '${explicit}' already exists.`, 'Pick a new snapshotId, or omit it to get a generated one.');
      }
    }
    const selected = (body.mirrors as string[] | undefined) ?? [...s.instances.keys()];
    for (const m of selected) if (!s.instances.has(m)) throw notInSession(m, s.record.id);
    const started = performance.now();
    const id = explicit ?? uniqueId('snap', 8, (c) => this.o.store.snapshotExists(c));
    const mirrors: SnapshotGroup['mirrors'] = [];
    for (const vendor of selected) {
      try {
        const info = s.instances.get(vendor)!.snapshot();
        mirrors.push({ vendor, snapshotId: info.snapshotId, mirrorVersion: info.mirrorVersion, bytes: info.bytes });
      } catch (err) {
        throw toApiError(err);
      }
    }
    const group: SnapshotGroup = { id, sessionId: s.record.id, createdAt: new Date().toISOString(), mirrors };
    this.o.store.insertSnapshot(group);
    const durationMs = round(performance.now() - started);
    this.o.bus.publish(s.record.id, 'session.lifecycle', { event: 'snapshot', snapshotId: id, durationMs });
    return { ...group, durationMs };
  }

  restore(workspace: string, idOrName: string, body: Record<string, unknown>): Record<string, unknown> {
    checkFields(body, { snapshotId: { type: 'string', required: true } });
    const s = this.requireLive(workspace, idOrName);
    const snapId = body.snapshotId as string;
    const group = this.o.store.getSnapshot(snapId);
    if (!group || group.sessionId !== s.record.id) throw errors.notFound('snapshot', snapId.slice(0, 100));
    const started = performance.now();
    const mirrors: Record<string, unknown>[] = [];
    for (const m of group.mirrors) {
      const inst = s.instances.get(m.vendor);
      if (!inst) continue;
      const t0 = performance.now();
      try {
        inst.restore(m.snapshotId);
      } catch (err) {
        throw toApiError(err);
      }
      mirrors.push({ vendor: m.vendor, snapshotId: m.snapshotId, durationMs: round(performance.now() - t0) });
    }
    const durationMs = round(performance.now() - started);
    this.o.bus.publish(s.record.id, 'session.lifecycle', { event: 'restore', snapshotId: snapId, durationMs });
    return { sessionId: s.record.id, snapshotId: snapId, mirrors, durationMs };
  }

  listSnapshots(workspace: string, idOrName: string): SnapshotGroup[] {
    const rec = this.resolve(workspace, idOrName);
    return this.o.store.listSnapshots(rec.id);
  }

  /** Settle every mirror of a session (fire due timers, drain webhook deliveries). */
  async settle(workspace: string, idOrName: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    checkFields(body, { horizonMs: { type: 'integer' }, mirrors: { type: 'string[]' } });
    const s = this.requireLive(workspace, idOrName);
    const selected = (body.mirrors as string[] | undefined) ?? [...s.instances.keys()];
    for (const m of selected) if (!s.instances.has(m)) throw notInSession(m, s.record.id);
    const mirrors: Record<string, unknown>[] = [];
    for (const vendor of selected) {
      try {
        const report = await s.instances.get(vendor)!.settle(body.horizonMs !== undefined ? { horizonMs: body.horizonMs as number } : {});
        mirrors.push({ vendor, ...report });
      } catch (err) {
        throw toApiError(err);
      }
    }
    return { sessionId: s.record.id, mirrors };
  }

  /** Mirror states of a live session (`GET /v1/sessions/{id}/state`). */
  state(workspace: string, idOrName: string): Record<string, unknown> {
    const s = this.requireLive(workspace, idOrName);
    const out: Record<string, unknown> = {};
    for (const [vendor, inst] of s.instances) out[vendor] = inst.state();
    return { sessionId: s.record.id, mirrors: out };
  }

  liveIds(): string[] {
    return [...this.live.keys()];
  }
}

/** `{ mirror: 'fixture' | 'mirror:fixture' | { fixture?, file?, data? } }` → SeedRef per mirror. */
export function parseSeeds(raw: Record<string, unknown> | undefined, mirrors: string[]): Record<string, SeedRef> {
  const out: Record<string, SeedRef> = {};
  for (const [vendor, value] of Object.entries(raw ?? {})) {
    if (!mirrors.includes(vendor)) {
      throw errors.invalidValue(`seeds.${vendor}`, `seeds names '${vendor}', which is not one of the session's mirrors.`, `Seed only these mirrors: ${mirrors.join(', ')}.`);
    }
    if (typeof value === 'string') {
      const fixture = value.startsWith(`${vendor}:`) ? value.slice(vendor.length + 1) : value;
      if (fixture === '' || fixture.includes(':')) {
        throw errors.invalidValue(`seeds.${vendor}`, `Invalid fixture '${value.slice(0, 80)}' for ${vendor}.`, `Name a fixture unprefixed ("transactional-busy") or as "${vendor}:<fixture>".`);
      }
      out[vendor] = { fixture };
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      checkFields(v, { fixture: { type: 'string' }, file: { type: 'string' }, data: { type: 'any' } }, `seeds.${vendor}.`);
      out[vendor] = { ...(v.fixture !== undefined ? { fixture: v.fixture as string } : {}), ...(v.file !== undefined ? { file: v.file as string } : {}), ...(v.data !== undefined ? { data: v.data } : {}) };
    } else {
      throw errors.invalidType(`seeds.${vendor}`, 'a fixture name or an object {fixture|file|data}', value);
    }
  }
  return out;
}

export function mirrorNotInCatalog(name: string): ApiError {
  return new ApiError(400, 'mirra.session.mirror_not_in_catalog', `Unknown mirror '${name.slice(0, 100)}'. Not in the current catalog.`, 'See https://mirra.run/docs/mirrors/overview for supported mirrors.');
}

function notInSession(vendor: string, id: string): ApiError {
  return new ApiError(400, 'mirra.session.mirror_not_in_session', `Session '${id}' has no '${vendor.slice(0, 100)}' mirror.`, 'Name only mirrors the session was created with.', { field: 'mirrors' });
}

function storedMirror(inst: MirrorInstance): StoredMirror {
  return {
    vendor: inst.vendor,
    version: inst.version,
    apiVersion: inst.apiVersion,
    apiKey: inst.apiKey,
    webhookSecret: inst.webhookSecret,
    instanceSessionId: inst.sessionId,
  };
}

function safeStats(inst: MirrorInstance): InstanceStats {
  try {
    return inst.stats();
  } catch {
    return { requests: 0, webhooks: 0, errors: 0 };
  }
}

function safe(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // teardown is best effort
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
