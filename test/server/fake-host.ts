/**
 * A minimal in-memory MirrorHost for tests of the control plane's own logic
 * (routing, envelopes, auth, pagination). Mirror behaviour itself is tested
 * with the real engine (see real-engine tests).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CreateInstanceOptions, MirrorEvent, MirrorHost, MirrorInstance, SeedRef, SnapshotInfo } from '../../src/mirrors/core/host-types.js';

type Item = { id: string; value: unknown };

export class FakeInstance implements MirrorInstance {
  readonly version = '0.0.1';
  readonly apiVersion = 'fake-1';
  apiKey: string;
  readonly webhookSecret = `whsec_${randomBytes(8).toString('hex')}`;
  items: Item[] = [];
  readonly snapshots = new Map<string, Item[]>();
  requests = 0;
  destroyed = false;
  closed = false;
  resets = 0;

  constructor(
    public sessionId: string,
    readonly vendor: string,
    private readonly seed: SeedRef | undefined,
    private readonly host: FakeHost,
  ) {
    this.apiKey = `fk_${randomBytes(12).toString('hex')}`;
    this.load(seed);
  }

  private load(seed: SeedRef | undefined): void {
    this.items = Array.isArray(seed?.data) ? (seed!.data as Item[]).map((x) => ({ ...x })) : [];
    if (seed?.fixture === 'broken') throw Object.assign(new Error('no such fixture'), { code: 'mirra.seed.unknown_fixture', status: 400, hint: 'try another' });
  }

  reset(seed?: SeedRef): void {
    this.resets++;
    this.load(seed ?? this.seed);
    this.host.publish({ type: 'session.lifecycle', sessionId: this.sessionId, data: { event: 'mirror_reset', mirror: this.vendor }, at: new Date().toISOString() });
  }
  snapshot(): SnapshotInfo {
    const id = `snap_${randomBytes(6).toString('hex')}`;
    this.snapshots.set(id, this.items.map((x) => ({ ...x })));
    return { snapshotId: id, vendor: this.vendor, mirrorVersion: this.version, createdAt: new Date().toISOString(), bytes: JSON.stringify(this.items).length };
  }
  restore(snapshotId: string): void {
    const s = this.snapshots.get(snapshotId);
    if (!s) throw Object.assign(new Error(`no snapshot ${snapshotId}`), { code: 'mirra.snapshot.not_found', status: 404 });
    this.items = s.map((x) => ({ ...x }));
  }
  listSnapshots(): SnapshotInfo[] {
    return [];
  }
  state(): Record<string, unknown[]> {
    return { items: this.items };
  }
  async settle(): Promise<{ timersFired: number; deliveries: number; now: string }> {
    return { timersFired: 0, deliveries: 0, now: new Date().toISOString() };
  }
  stats() {
    return { requests: this.requests, webhooks: 0, errors: 0 };
  }
  close(): void {
    this.closed = true;
    this.host.forget(this);
  }
  destroy(): void {
    this.destroyed = true;
    this.host.forget(this);
  }
}

export class FakeHost implements MirrorHost {
  readonly byKey = new Map<string, FakeInstance>();
  readonly listeners = new Map<string, Set<(e: MirrorEvent) => void>>();
  created = 0;

  constructor(
    readonly names: string[] = ['alpha', 'beta'],
    /** Offer the proposed `rekey(sessionId)` extension on instances. */
    readonly withRekey = false,
  ) {}

  catalog(): string[] {
    return this.names;
  }
  metadata(vendor: string): Record<string, unknown> {
    return { name: vendor, version: '0.0.1', apiVersion: 'fake-1' };
  }
  create(o: CreateInstanceOptions): MirrorInstance {
    if (!this.names.includes(o.vendor)) throw Object.assign(new Error('unknown'), { code: 'mirra.session.mirror_not_in_catalog', status: 400 });
    this.created++;
    const inst = new FakeInstance(o.sessionId, o.vendor, o.seed, this);
    if (o.apiKey) inst.apiKey = o.apiKey;
    if (this.withRekey) {
      Object.assign(inst, {
        rekey: (sessionId: string) => {
          this.byKey.delete(inst.apiKey);
          inst.apiKey = `fk_${randomBytes(12).toString('hex')}`;
          inst.sessionId = sessionId;
          this.byKey.set(inst.apiKey, inst);
        },
      });
    }
    this.byKey.set(inst.apiKey, inst);
    return inst;
  }
  forget(inst: FakeInstance): void {
    if (this.byKey.get(inst.apiKey) === inst) this.byKey.delete(inst.apiKey);
  }
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^Bearer (fk_\w+)$/.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const inst = this.byKey.get(m[1]!);
    if (!inst) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad key"}');
      return true;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inst.requests++;
      let status = 200;
      let body: unknown;
      if (req.method === 'POST' && req.url === '/items') {
        const item = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Item;
        inst.items.push(item);
        status = 201;
        body = item;
      } else if (req.method === 'GET' && req.url === '/items') body = { data: inst.items };
      else {
        status = 404;
        body = { message: 'not found' };
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      this.publish({ type: 'traffic.request_completed', sessionId: inst.sessionId, data: { mirror: inst.vendor, method: req.method, path: req.url, status }, at: new Date().toISOString() });
    });
    return true;
  }
  subscribe(sessionId: string, listener: (event: MirrorEvent) => void): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }
  publish(event: MirrorEvent): void {
    for (const l of this.listeners.get(event.sessionId) ?? []) l(event);
  }
  async close(): Promise<void> {
    this.byKey.clear();
  }
}
