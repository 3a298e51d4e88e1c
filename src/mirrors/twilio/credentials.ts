/**
 * Twilio credentials: HTTP Basic `AccountSid:AuthToken`. A session's instance has
 * `apiKey` = the Account SID (`AC` + 32 hex) and `webhookSecret` = the Auth Token (32 hex),
 * which is both the password the SDK sends and the key of `X-Twilio-Signature`.
 */
import type { CredentialScheme } from '../core/definition.js';
import { basicAccountCredential } from '../core/credentials.js';
import { HEX, randomString } from '../core/ids.js';

export const twilioCredentials: CredentialScheme = basicAccountCredential('AC', () => ({
  apiKey: `AC${randomString(32, HEX)}`,
  webhookSecret: randomString(32, HEX),
}));
