import type { HttpCore } from './http.js';
import type { SeedInput } from './types.js';

export interface MirrorRef {
  url: string;
  apiKey: string;
}

/**
 * `/_mirra/*` admin calls of one session mirror, authenticated with the
 * mirror's own apiKey (the key also selects the session, like any vendor call).
 */
export class MirrorAdmin {
  constructor(
    private readonly http: HttpCore,
    private readonly ref: MirrorRef,
  ) {}

  private call<T>(method: string, path: string, body?: unknown, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.http.call<T>(method, path, {
      origin: this.ref.url,       ...(body !== undefined ? { body } : {}),
      ...(query ? { query } : {}),
      token: this.ref.apiKey,
    });
  }

  /** Back to the session's seed, or to `seed` (`fixture`, `mirror:fixture` or a seed object). */
  reset(seed?: SeedInput): Promise<Record<string, unknown>> {
    if (seed === undefined) return this.call('POST', '/_mirra/state/reset', {});
    if (typeof seed === 'string') return this.call('POST', '/_mirra/state/reset', { seed });
    return this.call('POST', '/_mirra/state/reset', {
      ...(seed.fixture !== undefined ? { seed: seed.fixture } : {}),
      ...(seed.file !== undefined ? { seedFile: seed.file } : {}),
      ...(seed.data !== undefined ? { data: seed.data } : {}),
    });
  }

  listSnapshots(): Promise<{ snapshots: Record<string, unknown>[] }> {
    return this.call('GET', '/_mirra/state/snapshots');
  }

  snapshot(): Promise<{ snapshotId: string; [k: string]: unknown }> {
    return this.call('POST', '/_mirra/state/snapshot', {});
  }

  restore(snapshotId: string): Promise<Record<string, unknown>> {
    return this.call('POST', '/_mirra/state/restore', { snapshotId });
  }

  /** Fire a vendor event as if it happened (`invoice.payment_failed`, ...). */
  simulate(event: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.call('POST', '/_mirra/simulate', { ...fields, event });
  }

  state(): Promise<Record<string, unknown[]>> {
    return this.call('GET', '/_mirra/state');
  }

  metadata(): Promise<Record<string, unknown>> {
    return this.call('GET', '/_mirra/metadata');
  }

  /**
   * Without an argument: the clock (`{ mode, now, pendingTimers }`). With one, move it:
   * `{ advance: ms | '5s' }`, `{ to: iso }` or `{ mode: 'real' | 'manual' }`; due timers fire in order.
   */
  clock(move?: { advance: number | string } | { to: string } | { mode: 'real' | 'manual' }): Promise<Record<string, unknown>> {
    return move === undefined ? this.call('GET', '/_mirra/clock') : this.call('POST', '/_mirra/clock', move);
  }

  /** Fire pending timers up to the horizon and drain webhook deliveries. */
  settle(options: { horizon?: number | string; waitMs?: number | string } = {}): Promise<Record<string, unknown>> {
    return this.call('POST', '/_mirra/settle', options);
  }

  /** Trace entries: `{ since?: id | iso, kinds?: 'a,b', level?: 'error' | 'info', limit? }`. */
  trace(query: { since?: string | number; kinds?: string; level?: 'error' | 'info'; limit?: number } = {}): Promise<{ entries: Record<string, unknown>[] }> {
    return this.call('GET', '/_mirra/trace', undefined, query);
  }

  /** Send a wrongly signed event to the app's webhook endpoint; records whether it was refused. */
  probe(body: { endpointId?: string; url?: string; eventType?: string } = {}): Promise<{ results: Record<string, unknown>[]; verified: boolean }> {
    return this.call('POST', '/_mirra/webhooks/probe', body);
  }

  stats(): Promise<{ requests: number; webhooks: number; errors: number }> {
    return this.call('GET', '/_mirra/stats');
  }

  /** Webhook deliveries with exact headers and body (`?status=`). */
  deliveries(status?: string): Promise<{ deliveries: Record<string, unknown>[] }> {
    return this.call('GET', '/_mirra/webhooks/deliveries', undefined, status ? { status } : undefined);
  }

  /** `'collect'` stores deliveries instead of sending them; `'deliver'` sends. */
  webhookMode(mode: 'deliver' | 'collect'): Promise<{ mode: string }> {
    return this.call('POST', '/_mirra/webhooks/mode', { mode });
  }
}
