/**
 * The mirror host: the catalog of definitions, every live instance, credential routing on
 * the shared origin, and the per-session event bus.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { CreateInstanceOptions, MirrorEvent, MirrorHost } from './host-types.js';
import type { MirrorDefinition, RequestHead, RouteDefinition, VendorReply } from './definition.js';
import { EngineInstance, versionHeader } from './instance.js';
import { ADMIN_ROUTES, handleAdmin } from './admin-routes.js';
import { Router } from './router.js';
import { MirrorEngineError, mirrorNotInCatalog } from './errors.js';
import { compareSemver, parseSemver } from './semver.js';
import { defaultFixturesDir, listFixtures } from './seed.js';
import { parseAuthorization } from './credentials.js';
import { ENTITY_NAME } from './database.js';
import { envelope, serializeReply, writeSerialized } from './respond.js';

export interface MirrorHostOptions {
  mirrors: MirrorDefinition[];
  /** Persistent instances without an explicit `dir` live in `<dataDir>/<sessionId>/<vendor>/`. */
  dataDir: string;
  /** Built-in fixtures, `<fixturesDir>/<mirror>/<name>.json`. Default: the package's `fixtures/`. */
  fixturesDir?: string;
  /** The origin clients use (served in metadata, available to handlers as `ctx.publicUrl`). */
  publicUrl?: string;
}

export interface EngineMirrorHost extends MirrorHost {
  create(options: CreateInstanceOptions): EngineInstance;
  /** The live instance of `vendor` in `sessionId`, if any. */
  instance(sessionId: string, vendor: string): EngineInstance | undefined;
  /** Every live instance of a session. */
  instances(sessionId: string): EngineInstance[];
  /** Versions available for a mirror, newest first. */
  versions(vendor: string): string[];
}

interface Catalog {
  /** name → definitions, newest version first. */
  byName: Map<string, MirrorDefinition[]>;
  routers: Map<MirrorDefinition, Router<RouteDefinition>>;
}

function buildCatalog(mirrors: MirrorDefinition[]): Catalog {
  const byName = new Map<string, MirrorDefinition[]>();
  const routers = new Map<MirrorDefinition, Router<RouteDefinition>>();
  for (const def of mirrors) {
    if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`Invalid mirror name '${def.name}'.`);
    if (!parseSemver(def.version)) throw new Error(`Mirror '${def.name}' has a non-semver version '${def.version}'.`);
    for (const e of def.entities) {
      if (!ENTITY_NAME.test(e.name) || e.name.startsWith('_')) throw new Error(`Mirror '${def.name}': invalid entity name '${e.name}'.`);
    }
    const list = byName.get(def.name) ?? [];
    if (list.some((d) => d.version === def.version)) throw new Error(`Mirror '${def.name}@${def.version}' is defined twice.`);
    list.push(def);
    list.sort((a, b) => compareSemver(parseSemver(b.version)!, parseSemver(a.version)!));
    byName.set(def.name, list);
    routers.set(def, new Router(def.routes));
  }
  return { byName, routers };
}

export function createMirrorHost(options: MirrorHostOptions): EngineMirrorHost {
  const catalog = buildCatalog(options.mirrors);
  const fixturesDir = options.fixturesDir ?? defaultFixturesDir();
  const byKey = new Map<string, EngineInstance>();
  const bySession = new Map<string, Map<string, EngineInstance>>();
  const listeners = new Map<string, Set<(event: MirrorEvent) => void>>();
  let closed = false;

  const latest = (name: string) => catalog.byName.get(name)?.[0];
  const latestDefs = () => [...catalog.byName.values()].map((l) => l[0]);

  const publish = (event: MirrorEvent) => {
    const set = listeners.get(event.sessionId);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(event);
      } catch {
        /* a listener's failure stays with the listener */
      }
    }
  };

  const unregister = (instance: EngineInstance) => {
    if (byKey.get(instance.apiKey) === instance) byKey.delete(instance.apiKey);
    const s = bySession.get(instance.sessionId);
    if (s?.get(instance.vendor) === instance) {
      s.delete(instance.vendor);
      if (s.size === 0) bySession.delete(instance.sessionId);
    }
  };

  const metadataFor = (def: MirrorDefinition): Record<string, unknown> => ({
    name: def.name,
    displayName: def.displayName ?? def.name,
    version: def.version,
    apiVersion: def.apiVersion,
    description: def.description ?? null,
    versions: (catalog.byName.get(def.name) ?? []).map((d) => d.version),
    url: options.publicUrl ?? null,
    endpoints: def.routes.map((r) => ({ method: r.method, path: r.path, idempotent: r.idempotent === true, description: r.description ?? null })),
    webhookEventTypes: def.webhooks?.eventTypes ?? [],
    webhookRetryScheduleMs: def.webhooks?.retryScheduleMs ?? [],
    simulateEvents: Object.entries(def.simulate ?? {})
      .map(([name, s]) => ({ name, description: s.description ?? null, fields: s.fields ?? [] }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    entities: def.entities.map((e) => e.name),
    vocabulary: def.vocabulary ?? {},
    timers: Object.keys(def.timers ?? {}),
    fixtures: listFixtures(fixturesDir, def.name),
    idempotency: def.idempotency ? { header: def.idempotency.header, ttlMs: def.idempotency.ttlMs ?? 24 * 3600 * 1000 } : null,
    admin: ADMIN_ROUTES.map((r) => ({ method: r.method, path: r.path, description: r.description })),
  });

  const write = (res: ServerResponse, method: string, reply: VendorReply, def?: MirrorDefinition) =>
    writeSerialized(res, method, serializeReply(reply), def ? { 'x-mirra-version': versionHeader(def) } : {});

  /** The instance a credential names, `undefined` if none; `claimed` when some vendor recognised the format. */
  const identify = (headers: IncomingMessage['headers']): { instance?: EngineInstance; def?: MirrorDefinition; claimed: boolean } => {
    for (const def of latestDefs()) {
      const presented = def.credentials.read(headers);
      if (!presented) continue;
      const instance = byKey.get(presented.key);
      if (!instance || instance.vendor !== def.name || instance.isClosed()) return { def, claimed: true };
      const ok = def.credentials.verify ? def.credentials.verify(presented, { apiKey: instance.apiKey, webhookSecret: instance.webhookSecret }) : true;
      return ok ? { instance, def, claimed: true } : { def, claimed: true };
    }
    return { claimed: false };
  };

  const host: EngineMirrorHost = {
    catalog() {
      return [...catalog.byName.keys()].sort();
    },

    versions(vendor) {
      return (catalog.byName.get(vendor) ?? []).map((d) => d.version);
    },

    metadata(vendor) {
      const def = latest(vendor);
      if (!def) throw mirrorNotInCatalog(vendor);
      return metadataFor(def);
    },

    create(opts) {
      if (closed) throw new MirrorEngineError('mirra.host.closed', 'The mirror host is shut down.', 'Start the server again.', 503);
      const defs = catalog.byName.get(opts.vendor);
      if (!defs) throw mirrorNotInCatalog(opts.vendor);
      const def = opts.version ? defs.find((d) => d.version === opts.version) : defs[0];
      if (!def) {
        throw new MirrorEngineError(
          'mirra.session.unsupported_mirror_version',
          `Mirror '${opts.vendor}' has no version '${opts.version}'.`,
          `Available versions: ${defs.map((d) => d.version).join(', ')}.`,
          400,
          { available: defs.map((d) => d.version) },
        );
      }
      if (bySession.get(opts.sessionId)?.has(opts.vendor)) {
        throw new MirrorEngineError(
          'mirra.session.mirror_exists',
          `Session '${opts.sessionId}' already has a ${opts.vendor} instance.`,
          'Close or destroy it first.',
          409,
        );
      }
      const generated = def.credentials.generate();
      const credentials = { apiKey: opts.apiKey ?? generated.apiKey, webhookSecret: opts.webhookSecret ?? generated.webhookSecret };
      if (byKey.has(credentials.apiKey)) {
        throw new MirrorEngineError('mirra.session.credential_in_use', `That ${opts.vendor} API key is already used by another live instance.`, 'Let Mirra generate the key.', 409);
      }
      const dir = opts.persistent ? (opts.dir ?? join(options.dataDir, opts.sessionId, opts.vendor)) : undefined;
      const instance = new EngineInstance({
        definition: def,
        router: catalog.routers.get(def)!,
        options: opts,
        credentials,
        fixturesDir,
        dir,
        publicUrl: options.publicUrl,
        publish,
        onClose: unregister,
      });
      byKey.set(instance.apiKey, instance);
      let s = bySession.get(opts.sessionId);
      if (!s) bySession.set(opts.sessionId, (s = new Map()));
      s.set(opts.vendor, instance);
      return instance;
    },

    instance(sessionId, vendor) {
      return bySession.get(sessionId)?.get(vendor);
    },

    instances(sessionId) {
      return [...(bySession.get(sessionId)?.values() ?? [])];
    },

    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://mirror.local');
      } catch {
        return false;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      const fail = (err: unknown, def?: MirrorDefinition) => {
        try {
          const head: RequestHead = { method, path, headers: req.headers };
          write(res, method, def ? def.errors.internal(head) : envelope(500, 'mirra.internal', `Internal error: ${String((err as Error)?.message ?? err)}`, 'This is a bug in Mirra.'), def);
        } catch {
          res.destroy();
        }
      };

      if (path === '/_mirra' || path.startsWith('/_mirra/')) {
        const found = identify(req.headers);
        let instance = found.instance;
        if (!instance && !found.claimed) {
          const auth = parseAuthorization(req.headers);
          if (auth?.scheme === 'bearer') instance = byKey.get(auth.token);
        }
        if (!instance || instance.isClosed()) {
          req.resume();
          const missing = parseAuthorization(req.headers) === undefined;
          write(
            res,
            method,
            envelope(
              401,
              missing ? 'mirra.auth.missing_key' : 'mirra.auth.invalid_key',
              missing ? 'Mirror admin endpoints need the instance API key.' : 'No live mirror instance has this API key.',
              "Send 'Authorization: Bearer <apiKey>' with the apiKey the session returned for this mirror.",
            ),
          );
          return true;
        }
        const inst = instance;
        handleAdmin(inst, req, res, url, () => ({ ...metadataFor(inst.definition), sessionId: inst.sessionId, seed: inst.seedInfo(), clock: inst.clockInfo(), webhookMode: inst.getWebhookMode() })).catch((err) => fail(err));
        return true;
      }

      const found = identify(req.headers);
      if (found.claimed) {
        const def = found.def!;
        if (!found.instance) {
          req.resume();
          write(res, method, def.errors.unauthorized('invalid', { method, path, headers: req.headers }), def);
          return true;
        }
        found.instance.handleRequest(req, res, url).catch((err) => fail(err, def));
        return true;
      }

      // No credential of any mirror: a path only one vendor owns gets that vendor's 401.
      const owners = latestDefs().filter((d) => catalog.routers.get(d)!.ownsPath(path));
      if (owners.length === 1) {
        req.resume();
        const def = owners[0];
        const reason = req.headers.authorization === undefined ? 'missing' : 'invalid';
        write(res, method, def.errors.unauthorized(reason, { method, path, headers: req.headers }), def);
        return true;
      }
      return false;
    },

    subscribe(sessionId, listener) {
      let set = listeners.get(sessionId);
      if (!set) listeners.set(sessionId, (set = new Set()));
      set.add(listener);
      return () => {
        const s = listeners.get(sessionId);
        s?.delete(listener);
        if (s && s.size === 0) listeners.delete(sessionId);
      };
    },

    publish,

    async close() {
      closed = true;
      const all = [...byKey.values()];
      await Promise.all(all.map((i) => i.drain(2000)));
      for (const i of all) i.close();
      listeners.clear();
    },
  };
  return host;
}
