/** Reading and parsing request bodies: size cap, JSON and form-encoded. */
import type { IncomingMessage } from 'node:http';
import { decodeForm } from './form-encoding.js';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

export class MalformedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedBodyError';
  }
}

/** Read the whole body, refusing (and draining) anything past `limit` bytes. */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Parse by content type. Empty bodies are `{}`. JSON must be valid; form bodies are
 * decoded with bracket nesting. Other types keep the body undefined (the raw bytes stay
 * available to the handler).
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return decodeForm(text);
  if (type === 'application/json' || type.endsWith('+json') || type === '') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      if (type === '' && !/^\s*[[{"]/.test(text)) return decodeForm(text);
      throw new MalformedBodyError(`Invalid JSON body: ${(err as Error).message}`);
    }
  }
  return undefined;
}
