/**
 * Webhook signers for the vendor schemes. Each signs the exact body bytes being sent, with
 * the send time from the session clock.
 */
import { createHmac } from 'node:crypto';
import type { WebhookSigner } from './definition.js';
import { decodeForm } from './form-encoding.js';

/**
 * Svix / Standard Webhooks (Resend): key = base64-decoded secret after `whsec_`; content
 * `id.timestamp.body`; HMAC-SHA256, base64; header `v1,<sig>`.
 */
export function svixSigner(options: { headerPrefix?: 'svix' | 'webhook' } = {}): WebhookSigner {
  const p = options.headerPrefix ?? 'svix';
  return {
    sign({ secret, id, timestamp, body }) {
      const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
      return { [`${p}-id`]: id, [`${p}-timestamp`]: String(timestamp), [`${p}-signature`]: `v1,${signature}` };
    },
  };
}

/** Stripe: key = the whole `whsec_…` string; content `t.body`; hex; `Stripe-Signature: t=…,v1=…`. */
export function stripeSigner(): WebhookSigner {
  return {
    sign({ secret, timestamp, body }) {
      const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
      return { 'stripe-signature': `t=${timestamp},v1=${v1}` };
    },
  };
}

/** Twilio: URL + POST params sorted by name (name+value), HMAC-SHA1 with the auth token, base64. */
export function twilioSigner(): WebhookSigner {
  return {
    sign({ secret, url, body }) {
      const params = decodeForm(body);
      let data = url;
      for (const name of Object.keys(params).sort()) {
        const v = params[name];
        for (const value of Array.isArray(v) ? v : [v]) data += name + String(value);
      }
      return { 'x-twilio-signature': createHmac('sha1', secret).update(data).digest('base64') };
    },
  };
}
