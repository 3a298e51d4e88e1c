/**
 * Evaluators are objects with functions, so they cannot travel to workers. When `judge` is
 * given as an object, the global setup serves it on 127.0.0.1 and workers call it over HTTP
 * (a module-path `judge` is imported in the worker instead).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Evaluator, JudgeInput, JudgeVerdict } from '../evaluate/types.js';
import type { JudgeBridgeRef } from './options.js';

const MAX_BODY = 8 * 1024 * 1024;

export async function startJudgeBridge(evaluator: Evaluator): Promise<{ ref: JudgeBridgeRef; close(): Promise<void> }> {
  const token = randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/judge') return send(404, { error: 'not found' });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'unauthorized' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableEnded) controller.abort();
      });
      let input: JudgeInput;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JudgeInput;
      } catch {
        return send(400, { error: 'invalid JSON' });
      }
      evaluator.judge(input, controller.signal).then(
        (verdict) => send(200, { verdict }),
        (error: unknown) => send(200, { error: { message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ref: { url: `http://127.0.0.1:${port}`, token, name: evaluator.name },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The worker-side Evaluator that forwards to the bridge. */
export function bridgeEvaluator(ref: JudgeBridgeRef): Evaluator {
  return {
    name: ref.name,
    async judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeVerdict> {
      const res = await fetch(`${ref.url}/judge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ref.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
        ...(signal ? { signal } : {}),
      });
      const body = (await res.json()) as { verdict?: JudgeVerdict; error?: { message: string; name: string } };
      if (body.error) throw Object.assign(new Error(body.error.message), { name: body.error.name });
      if (!body.verdict) throw new Error(`mirra judge bridge answered ${res.status} without a verdict`);
      return body.verdict;
    },
  };
}
