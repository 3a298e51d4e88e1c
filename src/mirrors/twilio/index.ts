/**
 * The Twilio mirror: a stateful re-implementation of Programmable Messaging
 * (`api.twilio.com/2010-04-01`), Verify v2 (`verify.twilio.com`), Messaging Services
 * (`messaging.twilio.com/v1`) and Phone Numbers, all on the mirror's one origin. The
 * official `twilio` SDK talks to it through an `httpClient` that swaps the host; see
 * docs/mirrors/twilio.md.
 */
import { defineMirror } from '../core/definition.js';
import { twilioSigner } from '../core/signers.js';
import { encodeForm } from '../core/form-encoding.js';
import { twilioCredentials } from './credentials.js';
import { errorReply, notFoundReply, unauthorizedReply } from './errors.js';
import { EVENT_TYPES } from './callbacks.js';
import { ADVANCE_TIMER, onAdvanceTimer } from './lifecycle.js';
import { messageRoutes } from './routes/messages.js';
import { phoneNumberRoutes } from './routes/phone-numbers.js';
import { messagingServiceRoutes } from './routes/messaging-services.js';
import { EXPIRE_TIMER, onExpireTimer, verifyRoutes } from './routes/verify.js';
import { simulateEvents } from './simulate.js';
import { prepareSeedRecord } from './seed.js';
import { vocabulary } from './vocabulary.js';

export { vocabulary } from './vocabulary.js';

/**
 * Twilio does not retry a status callback that fails (the `#rc=` connection override is
 * not mirrored): one attempt, recorded with its response status.
 */
export const TWILIO_RETRY_SCHEDULE_MS: number[] = [];

export const twilio = defineMirror({
  name: 'twilio',
  displayName: 'Twilio',
  vocabulary,
  version: '0.4.0',
  apiVersion: '2010-04-01',
  description: 'Twilio: Messages (SMS/MMS) with status callbacks, Verify v2, Phone Numbers, Messaging Services (X-Twilio-Signature).',
  credentials: twilioCredentials,
  errors: {
    unauthorized: () => unauthorizedReply(),
    notFound: (req) => notFoundReply(req.path.split('?')[0]),
    methodNotAllowed: () => errorReply(405, 20004, 'Method not allowed'),
    invalidBody: (message) => errorReply(400, 20001, `Invalid request body: ${message}`),
    payloadTooLarge: () => errorReply(413, 20001, 'Request entity too large'),
    internal: () => errorReply(500, 20500, 'Internal Server Error'),
  },
  entities: [
    { name: 'messages', indexes: ['to', 'from', 'status', 'messaging_service_sid'] },
    { name: 'incoming_phone_numbers', indexes: ['phone_number', 'messaging_service_sid'] },
    { name: 'messaging_services' },
    { name: 'verify_services' },
    { name: 'verifications', indexes: ['to', 'service_sid', 'status'] },
  ],
  routes: [...messageRoutes, ...phoneNumberRoutes, ...messagingServiceRoutes, ...verifyRoutes],
  webhooks: {
    eventTypes: EVENT_TYPES,
    signer: twilioSigner(),
    retryScheduleMs: TWILIO_RETRY_SCHEDULE_MS,
    timeoutMs: 15_000,
    eventIdPrefix: 'EV',
    serialize: (event) => encodeForm(event.payload as Record<string, unknown>),
    contentType: 'application/x-www-form-urlencoded',
    headers: { 'user-agent': 'TwilioProxy/1.1', accept: '*/*', 'cache-control': 'max-age=259200' },
  },
  simulate: simulateEvents,
  timers: {
    [ADVANCE_TIMER]: onAdvanceTimer,
    [EXPIRE_TIMER]: onExpireTimer,
  },
  prepareSeedRecord,
  responseHeaders: () => ({ 'twilio-concurrent-requests': '1' }),
});

export default twilio;
