/**
 * A test-only mirror ("Acme Notes") that exercises the engine the way the vendor mirrors
 * will: Bearer `acme_…` keys, Resend-shaped errors, an idempotent create, Svix-signed
 * webhooks, a timer and a simulate event.
 */
import {
  bearerCredential,
  defineMirror,
  randomString,
  svixSecret,
  svixSigner,
  type MirrorDefinition,
  type RequestHead,
  type VendorReply,
} from '../../../src/mirrors/core/index.js';

const error = (statusCode: number, name: string, message: string): VendorReply => ({ status: statusCode, body: { statusCode, message, name } });

export const SVIX_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export function acmeMirror(version = '1.2.0'): MirrorDefinition {
  return defineMirror({
    name: 'acme',
    version,
    apiVersion: '2025-01-01',
    description: 'Acme Notes (test mirror)',
    credentials: bearerCredential('acme_', () => ({ apiKey: `acme_${randomString(32)}`, webhookSecret: svixSecret() })),
    errors: {
      unauthorized: (reason) => (reason === 'missing' ? error(401, 'missing_api_key', 'Missing API key in the authorization header') : error(403, 'invalid_api_key', 'API key is invalid')),
      notFound: () => error(404, 'not_found', 'The requested endpoint could not be found.'),
      methodNotAllowed: () => error(405, 'method_not_allowed', 'Method not allowed'),
      invalidBody: (message) => error(400, 'validation_error', message),
      payloadTooLarge: () => error(413, 'validation_error', 'Request body too large'),
      internal: () => error(500, 'internal_server_error', 'An unexpected error occurred.'),
    },
    entities: [
      { name: 'notes', idPrefix: 'note_', indexes: ['status'] },
      { name: 'authors', idPrefix: 'auth_' },
    ],
    idempotency: {
      header: 'Idempotency-Key',
      validateKey: (key) => (key.length < 1 || key.length > 256 ? error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.') : undefined),
      paramsMismatch: () => error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'),
      endpointMismatch: (original) => error(409, 'invalid_idempotent_request', `Idempotency key was first used for ${original.method} ${original.path}.`),
      replayHeaders: () => ({ 'idempotent-replayed': 'true' }),
    },
    webhooks: {
      eventTypes: ['note.created', 'note.published', 'note.flagged'],
      signer: svixSigner(),
      retryScheduleMs: SVIX_SCHEDULE_MS,
      timeoutMs: 5_000,
      eventIdPrefix: 'msg_',
      headers: { 'user-agent': 'Svix-Webhooks/1.0' },
    },
    routes: [
      {
        method: 'POST',
        path: '/notes',
        idempotent: true,
        handler(ctx) {
          const body = ctx.req.body as Record<string, unknown>;
          const limit = ctx.settings.requestsPerSecond;
          if (typeof limit === 'number') {
            const r = ctx.rateLimit('notes', { limit, windowMs: 1000 });
            if (!r.allowed) ctx.fail(429, { statusCode: 429, message: 'Too many requests', name: 'rate_limit_exceeded' }, { 'retry-after': String(Math.ceil(r.resetInMs / 1000)) });
          }
          if (typeof body?.title !== 'string' || body.title === '') return error(422, 'missing_required_field', 'Missing `title` field.');
          const note = ctx.db.insert('notes', { object: 'note', title: body.title, author: body.author ?? null, status: 'draft', created_at: ctx.nowIso() });
          ctx.webhooks.emit('note.created', { type: 'note.created', created_at: ctx.nowIso(), data: { note_id: note.id, title: note.title } });
          ctx.timers.schedule('note.publish', Number(ctx.settings.publishDelayMs ?? 5_000), { id: note.id });
          return ctx.reply(201, note);
        },
      },
      {
        method: 'GET',
        path: '/notes',
        handler: (ctx) => ctx.reply(200, { object: 'list', data: ctx.db.list('notes', { where: ctx.req.query.status ? { status: String(ctx.req.query.status) } : undefined }) }),
      },
      {
        method: 'GET',
        path: '/notes/:id',
        handler(ctx) {
          const note = ctx.db.get('notes', ctx.req.params.id);
          return note ? ctx.reply(200, note) : error(404, 'not_found', 'Note not found');
        },
      },
      {
        method: 'PATCH',
        path: '/notes/:id',
        handler(ctx) {
          const body = ctx.req.body as Record<string, unknown>;
          const updated = ctx.db.update('notes', ctx.req.params.id, { title: body.title });
          // Writes before the failure must roll back.
          if (body.explode === true) throw new Error('kaboom after write');
          return updated ? ctx.reply(200, updated) : error(404, 'not_found', 'Note not found');
        },
      },
      {
        method: 'POST',
        path: '/webhooks',
        handler(ctx) {
          const body = ctx.req.body as { url?: unknown; events?: unknown };
          if (typeof body.url !== 'string') return error(422, 'missing_required_field', 'Missing `endpoint` field.');
          const endpoint = ctx.webhooks.register({ url: body.url, events: Array.isArray(body.events) ? (body.events as string[]) : undefined, secret: svixSecret() });
          return ctx.reply(201, { object: 'webhook', id: endpoint.id, signing_secret: endpoint.secret });
        },
      },
      {
        method: 'POST',
        path: '/boom',
        handler() {
          throw new Error('handler bug');
        },
      },
      {
        method: 'POST',
        path: '/echo',
        handler: (ctx) => ctx.reply(200, { body: ctx.req.body as unknown, query: ctx.req.query }),
      },
    ],
    timers: {
      'note.publish'(ctx, payload: { id: string }) {
        const note = ctx.db.update('notes', payload.id, { status: 'published', published_at: ctx.nowIso() });
        if (note) ctx.webhooks.emit('note.published', { type: 'note.published', created_at: ctx.nowIso(), data: { note_id: note.id } });
      },
    },
    simulate: {
      'note.flagged': {
        description: 'A moderator flags a note',
        fields: ['id'],
        handler(ctx, fields) {
          const id = String(fields.id ?? '');
          const note = ctx.db.update('notes', id, { status: 'flagged' });
          if (!note) ctx.fail(404, { statusCode: 404, message: 'Note not found', name: 'not_found' });
          ctx.webhooks.emit('note.flagged', { type: 'note.flagged', created_at: ctx.nowIso(), data: { note_id: id } });
          return { id, status: 'flagged' };
        },
      },
      'note.published': {
        description: 'Publish a note now',
        fields: ['id'],
        handler(ctx, fields) {
          ctx.timers.schedule('note.publish', 0, { id: String(fields.id) });
          return { scheduled: true };
        },
      },
    },
    prepareSeedRecord: (entity, record) => (entity === 'notes' ? { object: 'note', status: 'draft', ...record } : record),
    responseHeaders: (ctx, _reply, req: RequestHead) => ({ 'x-acme-request': `${req.method} ${req.path}`, 'x-acme-clock': ctx.nowIso() }),
    maxBodyBytes: 64 * 1024,
  });
}

/** A second vendor in Twilio's style: Basic `FY…:token`, form-encoded bodies. */
export function formyMirror(): MirrorDefinition {
  return defineMirror({
    name: 'formy',
    version: '0.1.0',
    apiVersion: '2010-04-01',
    credentials: {
      read(headers) {
        const auth = headers.authorization;
        if (!auth?.startsWith('Basic ')) return undefined;
        const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
        return user?.startsWith('FY') ? { key: user, secret: pass ?? '', scheme: 'basic' } : undefined;
      },
      verify: (presented, instance) => presented.secret === instance.webhookSecret,
      generate: () => ({ apiKey: `FY${randomString(32, '0123456789abcdef')}`, webhookSecret: randomString(32, '0123456789abcdef') }),
    },
    errors: {
      unauthorized: () => ({ status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } }),
      notFound: () => ({ status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } }),
      invalidBody: (message) => ({ status: 400, body: { code: 20001, message, status: 400 } }),
      internal: () => ({ status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } }),
    },
    entities: [{ name: 'messages', idPrefix: 'SM' }],
    routes: [
      {
        method: 'POST',
        path: '/2010-04-01/Accounts/:sid/Messages.json',
        handler(ctx) {
          const body = ctx.req.body as Record<string, unknown>;
          const msg = ctx.db.insert('messages', { to: body.To, body: body.Body, media: body.MediaUrl ?? null, account_sid: ctx.req.params.sid });
          return ctx.reply(201, msg);
        },
      },
    ],
  });
}
