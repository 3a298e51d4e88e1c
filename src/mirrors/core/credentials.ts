/**
 * Reading vendor credentials from `Authorization`. A definition's `CredentialScheme` claims a
 * request only when the credential has its format, so one origin can serve every vendor.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CredentialScheme, InstanceCredentials, PresentedCredential } from './definition.js';

export type Authorization =
  | { scheme: 'bearer'; token: string }
  | { scheme: 'basic'; user: string; password: string }
  | undefined;

export function parseAuthorization(headers: IncomingHttpHeaders): Authorization {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(value);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme === 'bearer') return { scheme: 'bearer', token: m[2] };
  if (scheme === 'basic') {
    const decoded = Buffer.from(m[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1
      ? { scheme: 'basic', user: decoded, password: '' }
      : { scheme: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** `Authorization: Bearer <prefix>…` (Resend `re_`). */
export function bearerCredential(prefix: string, generate: () => InstanceCredentials): CredentialScheme {
  return {
    read(headers) {
      const auth = parseAuthorization(headers);
      return auth?.scheme === 'bearer' && auth.token.startsWith(prefix) ? { key: auth.token, scheme: 'bearer' } : undefined;
    },
    generate,
  };
}

/** Bearer `<prefix>…`, or Basic with the key as user name (Stripe `sk_test_`). */
export function bearerOrBasicCredential(prefix: string, generate: () => InstanceCredentials): CredentialScheme {
  return {
    read(headers) {
      const auth = parseAuthorization(headers);
      if (auth?.scheme === 'bearer' && auth.token.startsWith(prefix)) return { key: auth.token, scheme: 'bearer' };
      if (auth?.scheme === 'basic' && auth.user.startsWith(prefix)) return { key: auth.user, scheme: 'basic' };
      return undefined;
    },
    generate,
  };
}

/**
 * Basic `<account>:<token>` where the account starts with `prefix` (Twilio `AC…`); the
 * instance's `apiKey` is the account id and its `webhookSecret` the token that must match.
 */
export function basicAccountCredential(prefix: string, generate: () => InstanceCredentials): CredentialScheme {
  return {
    read(headers): PresentedCredential | undefined {
      const auth = parseAuthorization(headers);
      if (auth?.scheme === 'basic' && auth.user.startsWith(prefix)) return { key: auth.user, secret: auth.password, scheme: 'basic' };
      return undefined;
    },
    verify(presented, instance) {
      return presented.secret === instance.webhookSecret;
    },
    generate,
  };
}
