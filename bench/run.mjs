// `npm run bench` (after `npm run build`): control-plane operation costs and
// mirror request throughput vs a bare node:http + SQLite server doing the same
// work. Loopback only, bounded duration (~20 s).
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Pool } from 'undici';

const dist = new URL('../dist/', import.meta.url);
const { startServer, MirraClient } = await import(new URL('index.js', dist).href).catch((err) => {
  console.error('bench: import dist/ failed — run `npm run build` first.\n', err.message);
  process.exit(1);
});
const core = await import(new URL('mirrors/core/index.js', dist).href);

const REQUEST_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

/** A trivial mirror: `GET /rows/:id` reads one row from the session database. */
const benchMirror = core.defineMirror({
  name: 'bench',
  version: '0.0.1',
  apiVersion: 'bench-1',
  credentials: core.bearerCredential('bench_', () => ({ apiKey: `bench_${randomBytes(16).toString('hex')}`, webhookSecret: core.svixSecret() })),
  errors: {
    unauthorized: () => ({ status: 401, body: { message: 'unauthorized' } }),
    notFound: () => ({ status: 404, body: { message: 'not found' } }),
    invalidBody: (message) => ({ status: 400, body: { message } }),
    internal: () => ({ status: 500, body: { message: 'internal' } }),
  },
  entities: [{ name: 'rows', idPrefix: 'row_' }],
  routes: [
    {
      method: 'GET',
      path: '/rows/:id',
      handler: (ctx) => {
        const row = ctx.db.get('rows', ctx.req.params.id);
        return row ? ctx.reply(200, row) : { status: 404, body: { message: 'no row' } };
      },
    },
  ],
});

const seedOf = (n) => ({ data: { mirror: 'bench', records: { rows: Array.from({ length: n }, (_, i) => ({ id: `row_${i}`, name: `row ${i}`, value: i })) } } });

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
}

async function time(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return stats(out);
}

async function throughput(url, headers, path) {
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
  let done = 0;
  let failed = 0;
  const until = performance.now() + REQUEST_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const res = await pool.request({ path, method: 'GET', headers });
        await res.body.text();
        if (res.statusCode === 200) done++;
        else failed++;
      }
    }),
  );
  await pool.close();
  if (failed) console.warn(`  ${failed} failed requests against ${url}${path}`);
  return done / REQUEST_SECONDS;
}

/** The baseline: node:http + better-sqlite3, same row shape and lookup, no routing by credential. */
async function bareServer() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE rows (id TEXT PRIMARY KEY, seq INTEGER, created_at INTEGER, updated_at INTEGER, data TEXT)');
  const ins = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < 10; i++) ins.run(`row_${i}`, i, Date.now(), Date.now(), JSON.stringify({ id: `row_${i}`, name: `row ${i}`, value: i }));
  const get = db.prepare('SELECT data FROM rows WHERE id = ?');
  const server = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer bench_bare') {
      res.writeHead(401).end();
      return;
    }
    const id = req.url.split('/')[2];
    const row = get.get(id);
    const body = JSON.stringify(JSON.parse(row.data));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const server = await startServer({ mirrors: [benchMirror], log: () => {}, rateLimit: 10_000_000 });
const client = new MirraClient({ baseUrl: server.url, token: server.token });
const rows = [];
const fmt = (x) => `${x.median.toFixed(2)} ms (p95 ${x.p95.toFixed(2)})`;
try {
  console.log(`mirra bench — node ${process.version}, loopback, ${REQUEST_SECONDS}s × ${CONCURRENCY} connections for throughput\n`);
  // create: cold (pool off) vs warm (pool hit after delete)
  const coldServer = await startServer({ mirrors: [benchMirror], log: () => {}, pool: false, rateLimit: 10_000_000 });
  const cold = new MirraClient({ baseUrl: coldServer.url, token: coldServer.token });
  const createCold = await time(50, async () => {
    const s = await cold.createSession({ mirrors: ['bench'] });
    await cold.deleteSession(s.sessionId);
  });
  await cold.close();
  await coldServer.close();
  const createWarm = await time(50, async () => {
    const s = await client.createSession({ mirrors: ['bench'] });
    await client.deleteSession(s.sessionId);
    await new Promise((r) => setImmediate(r));
  });
  console.log(`session create+delete (HTTP round trips): cold ${fmt(createCold)}, warm pool ${fmt(createWarm)}`);

  for (const n of [0, 1000, 10000]) {
    const s = await client.createSession({ mirrors: ['bench'], seeds: { bench: seedOf(n) } });
    const create = await time(10, async () => {
      const t = await client.createSession({ mirrors: ['bench'], seeds: { bench: seedOf(n) } });
      await client.deleteSession(t.sessionId);
    });
    const reset = await time(20, () => client.resetSession(s.sessionId));
    let snapId;
    const snapshot = await time(20, async () => {
      snapId = (await client.snapshotSession(s.sessionId)).snapshotId;
    });
    const restore = await time(20, () => client.restoreSession(s.sessionId, snapId));
    rows.push({ rows: n, create: fmt(create), reset: fmt(reset), snapshot: fmt(snapshot), restore: fmt(restore) });
    await client.deleteSession(s.sessionId);
  }
  console.log('\ncontrol-plane operations by seed size (HTTP round trip, median):');
  console.table(rows);

  const s = await client.createSession({ mirrors: ['bench'], seeds: { bench: seedOf(10) } });
  const mirrorRps = await throughput(server.url, { authorization: `Bearer ${s.mirrors[0].apiKey}` }, '/rows/row_3');
  const bare = await bareServer();
  const bareRps = await throughput(bare.url, { authorization: 'Bearer bench_bare' }, '/rows/row_3');
  await bare.close();
  console.log('\nGET one row (requests/s):');
  console.table([{ 'mirra mirror': Math.round(mirrorRps), 'bare node:http + SQLite': Math.round(bareRps), ratio: `${(mirrorRps / bareRps).toFixed(2)}×` }]);
} finally {
  await client.close();
  await server.close();
}
