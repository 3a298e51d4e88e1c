import { createHash } from 'node:crypto';
import type { MirrorInstance, SeedRef } from '../mirrors/core/host-types.js';

/** A reset-to-seed set of instances that an ended ephemeral session left behind. */
export interface PooledGroup {
  instances: Map<string, MirrorInstance>;
  pooledAt: number;
}

export interface PoolOptions {
  /** Groups kept per key (workspace + mirrors + seeds + versions + clock). Default 4. */
  perKey?: number;
  /** Groups kept in total. Default 32. 0 disables the pool. */
  total?: number;
  /** Drop groups idle longer than this. Default 10 minutes. */
  idleMs?: number;
}

/**
 * Warm pool ("cache on hash", spec §7.1): deleting an ephemeral session
 * resets its instances to the seed and parks them here; the next session with
 * the same key takes them instead of building fresh databases. Eviction
 * (oldest first) destroys the instances.
 */
export class WarmPool {
  private readonly groups = new Map<string, PooledGroup[]>();
  private size = 0;
  private readonly perKey: number;
  private readonly total: number;
  private readonly idleMs: number;
  hits = 0;
  misses = 0;

  constructor(opts: PoolOptions = {}) {
    this.perKey = opts.perKey ?? 4;
    this.total = opts.total ?? 32;
    this.idleMs = opts.idleMs ?? 10 * 60_000;
  }

  get enabled(): boolean {
    return this.total > 0 && this.perKey > 0;
  }

  static key(parts: { workspace: string; mirrors: string[]; seeds: Record<string, SeedRef>; versions: Record<string, string>; clock?: string }): string {
    const canonical = JSON.stringify([
      parts.workspace,
      [...parts.mirrors].sort(),
      Object.keys(parts.seeds)
        .sort()
        .map((k) => [k, parts.seeds[k]]),
      Object.keys(parts.versions)
        .sort()
        .map((k) => [k, parts.versions[k]]),
      parts.clock ?? null,
    ]);
    return createHash('sha256').update(canonical).digest('base64url');
  }

  private readonly pending = new Map<string, number>();

  /** Whether a group for `key` would be kept (counting groups being built). */
  wants(key: string): boolean {
    return this.enabled && (this.groups.get(key)?.length ?? 0) + (this.pending.get(key) ?? 0) < this.perKey;
  }

  reserve(key: string): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const n = (this.pending.get(key) ?? 1) - 1;
    if (n <= 0) this.pending.delete(key);
    else this.pending.set(key, n);
  }

  take(key: string): PooledGroup | undefined {
    const list = this.groups.get(key);
    const group = list?.pop();
    if (list && list.length === 0) this.groups.delete(key);
    if (group) {
      this.size--;
      this.hits++;
    } else this.misses++;
    return group;
  }

  /** Park a group; returns false (caller destroys) when the pool is disabled. */
  put(key: string, instances: Map<string, MirrorInstance>, now = Date.now()): boolean {
    if (!this.enabled) return false;
    this.evictIdle(now);
    let list = this.groups.get(key);
    if (!list) this.groups.set(key, (list = []));
    list.push({ instances, pooledAt: now });
    this.size++;
    if (list.length > this.perKey) this.destroyGroup(list.shift()!);
    while (this.size > this.total) this.evictOldest();
    return true;
  }

  evictIdle(now = Date.now()): void {
    for (const [key, list] of this.groups) {
      while (list.length > 0 && now - list[0]!.pooledAt > this.idleMs) this.destroyGroup(list.shift()!);
      if (list.length === 0) this.groups.delete(key);
    }
  }

  drain(): void {
    for (const list of this.groups.values()) for (const g of list) destroyInstances(g.instances);
    this.groups.clear();
    this.size = 0;
  }

  get count(): number {
    return this.size;
  }

  private evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [key, list] of this.groups) {
      const first = list[0];
      if (first && first.pooledAt < oldest) {
        oldest = first.pooledAt;
        oldestKey = key;
      }
    }
    if (oldestKey === undefined) return;
    const list = this.groups.get(oldestKey)!;
    this.destroyGroup(list.shift()!);
    if (list.length === 0) this.groups.delete(oldestKey);
  }

  private destroyGroup(g: PooledGroup): void {
    this.size--;
    destroyInstances(g.instances);
  }
}

export function destroyInstances(instances: Iterable<MirrorInstance> | Map<string, MirrorInstance>): void {
  const list = instances instanceof Map ? instances.values() : instances;
  for (const inst of list) {
    try {
      inst.destroy();
    } catch {
      // best effort: a failing destroy must not keep other instances alive
    }
  }
}
