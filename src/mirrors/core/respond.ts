/** Writing replies: vendor bodies as given, Mirra envelopes for engine errors. */
import type { ServerResponse } from 'node:http';
import type { VendorReply } from './definition.js';
import { MirrorEngineError } from './errors.js';

export interface SerializedReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function serializeReply(reply: VendorReply): SerializedReply {
  const headers: Record<string, string> = {};
  let body: Buffer;
  if (reply.body === undefined || reply.body === null) {
    body = Buffer.alloc(0);
    if (reply.body === null) {
      body = Buffer.from('null');
      headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
    }
  } else if (Buffer.isBuffer(reply.body)) {
    body = reply.body;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  } else if (typeof reply.body === 'string') {
    body = Buffer.from(reply.body, 'utf8');
    headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8';
  } else {
    body = Buffer.from(JSON.stringify(reply.body), 'utf8');
    headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  }
  for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
  return { status: reply.status, headers, body };
}

export function writeSerialized(res: ServerResponse, method: string, reply: SerializedReply, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...extra, ...reply.headers, 'content-length': reply.body.length };
  res.writeHead(reply.status, headers);
  res.end(method === 'HEAD' ? undefined : reply.body);
}

export function engineErrorReply(err: MirrorEngineError): VendorReply {
  return { status: err.status, body: err.toJSON() };
}

export function envelope(status: number, code: string, message: string, hint: string, extra?: Record<string, unknown>): VendorReply {
  return { status, body: { error: { code, message, hint, ...(extra ?? {}) } } };
}
