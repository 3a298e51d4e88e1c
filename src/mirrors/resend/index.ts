/**
 * The Resend mirror: a stateful re-implementation of https://api.resend.com that the
 * official `resend` SDK talks to unchanged (`new Resend(key, { baseUrl })` or
 * `RESEND_BASE_URL`). See docs/mirrors/resend.md.
 */
import { defineMirror, type RequestHead } from '../core/definition.js';
import { svixSigner } from '../core/signers.js';
import { resendCredentials } from './credentials.js';
import { MESSAGES, errorReply } from './errors.js';
import { EVENT_TYPES } from './events.js';
import { DELIVER_TIMER, SEND_TIMER, onDeliverTimer, onSendTimer } from './delivery.js';
import { emailRoutes } from './routes/emails.js';
import { VERIFY_TIMER, domainRoutes, onVerifyTimer } from './routes/domains.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { contactRoutes } from './routes/contacts.js';
import { BROADCAST_TIMER, broadcastRoutes, onBroadcastTimer } from './routes/broadcasts.js';
import { webhookRoutes } from './routes/webhooks.js';
import { simulateEvents } from './simulate.js';
import { afterSeed, prepareSeedRecord } from './seed.js';

export { vocabulary } from './vocabulary.js';

/** Svix: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const SVIX_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** Attachments up to 40 MB are base64 in JSON (~54 MB); bodies past this answer 413. */
export const MAX_BODY_BYTES = 56 * 1024 * 1024;

import { vocabulary } from './vocabulary.js';

export const resend = defineMirror({
  name: 'resend',
  displayName: 'Resend',
  vocabulary,
  version: '0.3.1',
  apiVersion: '2025-11-30',
  description: 'Resend email API: emails, batch, domains, API keys, segments/audiences, contacts, broadcasts, webhooks (Svix-signed).',
  credentials: resendCredentials,
  errors: {
    unauthorized: (reason) =>
      reason === 'missing' ? errorReply(401, 'missing_api_key', MESSAGES.missingApiKey) : errorReply(403, 'invalid_api_key', MESSAGES.invalidApiKey),
    notFound: () => errorReply(404, 'not_found', MESSAGES.endpointNotFound),
    methodNotAllowed: () => errorReply(405, 'method_not_allowed', MESSAGES.methodNotAllowed),
    invalidBody: () => errorReply(400, 'validation_error', 'We found an error with one or more fields in the request. The request body is not valid JSON.'),
    payloadTooLarge: (limit: number, _req: RequestHead) =>
      errorReply(413, 'validation_error', `The request body is too large. The maximum size is ${Math.floor(limit / (1024 * 1024))}MB (attachments up to 40MB).`),
    internal: () => errorReply(500, 'application_error', MESSAGES.internal),
  },
  entities: [
    { name: 'emails', indexes: ['last_event'] },
    { name: 'domains', indexes: ['name'] },
    { name: 'api_keys' },
    { name: 'audiences' },
    { name: 'contacts', indexes: ['email'] },
    { name: 'broadcasts' },
  ],
  routes: [...emailRoutes, ...domainRoutes, ...apiKeyRoutes, ...contactRoutes, ...broadcastRoutes, ...webhookRoutes],
  idempotency: {
    header: 'idempotency-key',
    validateKey: (key) => (key.length < 1 || key.length > 256 ? errorReply(400, 'invalid_idempotency_key', MESSAGES.invalidIdempotencyKey) : undefined),
    ttlMs: 24 * 60 * 60 * 1000,
    paramsMismatch: () => errorReply(409, 'invalid_idempotent_request', MESSAGES.idempotencyMismatch),
    endpointMismatch: () => errorReply(409, 'invalid_idempotent_request', MESSAGES.idempotencyMismatch),
  },
  webhooks: {
    eventTypes: EVENT_TYPES,
    signer: svixSigner(),
    retryScheduleMs: SVIX_RETRY_SCHEDULE_MS,
    timeoutMs: 15_000,
    eventIdPrefix: 'msg_',
    headers: { 'user-agent': 'Svix-Webhooks/1.76.1 (sender-mirra; +https://www.svix.com/http-sender/)' },
  },
  simulate: simulateEvents,
  timers: {
    [DELIVER_TIMER]: onDeliverTimer,
    [SEND_TIMER]: onSendTimer,
    [VERIFY_TIMER]: onVerifyTimer,
    [BROADCAST_TIMER]: onBroadcastTimer,
  },
  prepareSeedRecord,
  afterSeed,
  maxBodyBytes: MAX_BODY_BYTES,
});

export default resend;
