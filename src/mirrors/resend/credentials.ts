/** Resend API keys: `Authorization: Bearer re_<8>_<24>`; each session gets its own key and `whsec_` secret. */
import type { CredentialScheme } from '../core/definition.js';
import { bearerCredential } from '../core/credentials.js';
import { randomString, svixSecret } from '../core/ids.js';

export const resendCredentials: CredentialScheme = bearerCredential('re_', () => ({
  apiKey: `re_${randomString(8)}_${randomString(24)}`,
  webhookSecret: svixSecret(),
}));
