/**
 * Captures for evaluation tests, built from a REAL Resend mirror: a host on loopback, a
 * session seeded from a fixture, the state before, traffic over HTTP, settle, optional
 * signature probe, then state/trace after → RunCapture. Also a synthetic-capture builder
 * for pure grammar tests and a local webhook receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'svix';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createMirrorHost, type EngineInstance, type EngineMirrorHost } from '../../src/mirrors/core/index.js';
import { resend as resendMirror } from '../../src/mirrors/resend/index.js';
import { vocabulary as resendVocabulary } from '../../src/mirrors/resend/vocabulary.js';
import type { MirrorCapture, RunCapture, SignatureVerification, TraceEntry, WebhookAttempt } from '../../src/evaluate/types.js';
import type { Scenario } from '../../src/scenario/types.js';

export const SCENARIO: Scenario = {
  title: 'Send Welcome Email on Signup',
  setup: 'One verified domain `mail.acme.com`.',
  prompt: 'alice@example.com signs up. Send a welcome email from hello@mail.acme.com with subject "Welcome to Acme".',
  expectedBehavior: 'The app sends exactly one email; Resend reports email.sent then email.delivered by webhook.',
  criteria: [],
  config: { mirrors: ['resend'], timeout: 60, runs: 3, agent: 'custom', judgeModel: 'claude-haiku-4-5', persistent: false },
};

export interface Host {
  host: EngineMirrorHost;
  url: string;
  close(): Promise<void>;
}

export async function startHost(): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mirra-evaluate-'));
  const host = createMirrorHost({ mirrors: [resendMirror], dataDir });
  const server: Server = createServer((req, res) => {
    if (!host.handle(req, res)) res.writeHead(404).end('not a mirror request');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await host.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Receiver {
  url: string;
  /** Status answered to each request; the default handler verifies nothing and says 200. */
  respond: (body: string, headers: Record<string, string | string[] | undefined>) => number;
  received: string[];
  close(): Promise<void>;
}

/** What a webhook handler that verifies Svix signatures does: true when the signature holds. */
export function svixVerifies(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, { 'svix-id': String(headers['svix-id']), 'svix-timestamp': String(headers['svix-timestamp']), 'svix-signature': String(headers['svix-signature']) });
    return true;
  } catch {
    return false;
  }
}

export async function startReceiver(respond: Receiver['respond'] = () => 200): Promise<Receiver> {
  const r: Receiver = { url: '', respond, received: [], close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      r.received.push(body);
      res.writeHead(r.respond(body, req.headers)).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/resend`;
  r.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return r;
}

export interface Session {
  instance: EngineInstance;
  apiKey: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

let sessions = 0;

export function session(h: Host, seed: { fixture?: string; data?: unknown }): Session {
  const instance = h.host.create({ sessionId: `ses_eval_${++sessions}`, vendor: 'resend', seed, clock: 'manual' });
  return {
    instance,
    apiKey: instance.apiKey,
    async call(method, path, body) {
      const res = await fetch(`${h.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${instance.apiKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

function attempts(trace: TraceEntry[]): WebhookAttempt[] {
  return trace
    .filter((e) => e.kind === 'webhook' && e.data.action === 'attempted')
    .map((e) => ({
      deliveryId: String(e.data.deliveryId),
      eventId: String(e.data.eventId),
      type: String(e.data.type),
      endpointId: String(e.data.endpointId),
      url: String(e.data.url),
      attempt: Number(e.data.attempt),
      status: typeof e.data.status === 'number' ? e.data.status : null,
      ok: e.data.ok === true,
      at: e.at,
    }));
}

function verifications(trace: TraceEntry[]): SignatureVerification[] {
  return trace
    .filter((e) => e.kind === 'probe')
    .map((e) => ({
      url: String(e.data.url),
      verified: e.data.verified === true,
      status: typeof e.data.statusCode === 'number' ? e.data.statusCode : null,
      at: String(e.data.at ?? e.at),
      ...(typeof e.data.endpointId === 'string' ? { endpointId: e.data.endpointId } : {}),
      ...(typeof e.data.error === 'string' && e.data.error ? { error: e.data.error } : {}),
    }));
}

/**
 * Run `drive` against a fresh session: snapshot before, drive, settle, optionally probe
 * signatures, snapshot after. Returns the RunCapture the runtime would build.
 */
export async function captureRun(
  h: Host,
  seed: { fixture?: string; data?: unknown },
  drive: (s: Session) => Promise<void>,
  options: { probe?: boolean; run?: number; output?: unknown } = {},
): Promise<RunCapture> {
  const s = session(h, seed);
  const before = s.instance.state();
  const lastId = s.instance.trace().at(-1)?.id ?? 0;
  const started = Date.now();
  await drive(s);
  await s.instance.settle();
  if (options.probe) await s.instance.probeSignatures();
  const after = s.instance.state();
  const trace = s.instance.trace({ since: lastId });
  const mirror: MirrorCapture = {
    vendor: 'resend',
    displayName: 'Resend',
    vocabulary: resendVocabulary,
    before,
    after,
    trace,
    webhooks: attempts(trace),
    verifications: verifications(trace),
  };
  const capture: RunCapture = {
    scenario: SCENARIO,
    file: 'scenarios/welcome-email.md',
    run: options.run ?? 1,
    sessionId: s.instance.sessionId,
    mirrors: { resend: mirror },
    logs: [],
    timedOut: false,
    durationMs: Date.now() - started,
  };
  if (options.output !== undefined) capture.output = options.output;
  s.instance.destroy();
  return capture;
}

export const WELCOME_DOMAIN = {
  data: {
    mirror: 'resend',
    name: 'welcome-domain',
    settings: { deliveryDelaySeconds: 3 },
    records: { domains: [{ id: 'd91cd9bd-1176-453e-8fc1-35364d380206', name: 'mail.acme.com', status: 'verified', region: 'us-east-1' }] },
  },
};

export function welcomeEmail(to = 'alice@example.com', extra: Record<string, unknown> = {}) {
  return { from: 'Acme <hello@mail.acme.com>', to: [to], subject: 'Welcome to Acme', html: '<p>Welcome aboard!</p>', ...extra };
}

/** A synthetic capture for pure grammar tests. */
export function syntheticCapture(mirror: Partial<MirrorCapture> & { vendor?: string } = {}, extra: Partial<RunCapture> = {}): RunCapture {
  const m: MirrorCapture = {
    vendor: mirror.vendor ?? 'resend',
    displayName: mirror.displayName ?? 'Resend',
    vocabulary: mirror.vocabulary ?? resendVocabulary,
    before: mirror.before ?? {},
    after: mirror.after ?? {},
    trace: mirror.trace ?? [],
    webhooks: mirror.webhooks ?? [],
    verifications: mirror.verifications ?? [],
  };
  return {
    scenario: SCENARIO,
    run: 1,
    sessionId: 'ses_test',
    mirrors: { [m.vendor]: m },
    logs: [],
    timedOut: false,
    durationMs: 10,
    ...extra,
  };
}
