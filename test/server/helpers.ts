import { request } from 'undici';
import { startServer, type ServerOptions, type MirraServer } from '../../src/server/index.js';
import { MirraClient } from '../../src/client/index.js';
import { FakeHost } from './fake-host.js';

export interface Harness {
  server: MirraServer;
  client: MirraClient;
  host?: FakeHost;
  raw(method: string, path: string, opts?: { body?: unknown; rawBody?: string | Buffer; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any; text: string }>;
  close(): Promise<void>;
}

/** A server on loopback with a FakeHost (unless mirrorHost/mirrors are given) and a client. */
export async function harness(opts: ServerOptions & { fake?: boolean } = {}): Promise<Harness> {
  const host = opts.mirrorHost === undefined && opts.mirrors === undefined && opts.fake !== false ? new FakeHost() : undefined;
  const server = await startServer({ log: () => {}, ...opts, ...(host ? { mirrorHost: host } : {}) });
  const client = new MirraClient({ baseUrl: server.url, token: server.token, retry: { retries: 0 } });
  return {
    server,
    client,
    ...(host ? { host } : {}),
    async raw(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const token = o.token === undefined ? server.token : o.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await request(`${server.url}${path}`, { method: method as 'GET', headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, json, text };
    },
    async close() {
      await client.close();
      await server.close();
    },
  };
}

export function expectEnvelope(json: any, code: string): void {
  if (!json || typeof json !== 'object' || !json.error) throw new Error(`not an envelope: ${JSON.stringify(json)}`);
  const e = json.error;
  if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
  if (typeof e.message !== 'string' || typeof e.hint !== 'string') throw new Error(`envelope lacks message/hint: ${JSON.stringify(json)}`);
}
