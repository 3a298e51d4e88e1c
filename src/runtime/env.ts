/**
 * The environment variables each vendor SDK (or an app built on it) reads, pointed at a
 * session's mirrors. `proxyMode: 'env'` sets them in the Vitest workers; drivers get them
 * as `env`.
 */
import type { SessionMirror } from '../client/index.js';

type EnvBuilder = (mirror: SessionMirror) => Record<string, string>;

const BUILDERS: Record<string, EnvBuilder> = {
  resend: (m) => ({ RESEND_BASE_URL: m.url, RESEND_API_KEY: m.apiKey, RESEND_WEBHOOK_SECRET: m.webhookSecret }),
  stripe: (m) => ({ STRIPE_API_BASE: m.url, STRIPE_SECRET_KEY: m.apiKey, STRIPE_WEBHOOK_SECRET: m.webhookSecret }),
  twilio: (m) => {
    // Twilio credentials are an Account SID plus an auth token (`AC…:token` on the wire).
    const [sid, token] = m.apiKey.includes(':') ? m.apiKey.split(':', 2) : [m.apiKey, m.webhookSecret];
    return { TWILIO_API_BASE: m.url, TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_WEBHOOK_SECRET: m.webhookSecret };
  },
};

/** Variables for one mirror; unknown vendors get `<VENDOR>_BASE_URL`, `_API_KEY`, `_WEBHOOK_SECRET`. */
export function mirrorEnv(mirror: SessionMirror): Record<string, string> {
  const builder = BUILDERS[mirror.vendor];
  if (builder) return builder(mirror);
  const prefix = mirror.vendor.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return { [`${prefix}_BASE_URL`]: mirror.url, [`${prefix}_API_KEY`]: mirror.apiKey, [`${prefix}_WEBHOOK_SECRET`]: mirror.webhookSecret };
}

/** Every SDK variable of a session, plus `MIRRA_SESSION_ID`. */
export function sessionEnv(session: { sessionId: string; mirrors: SessionMirror[] }): Record<string, string> {
  const env: Record<string, string> = { MIRRA_SESSION_ID: session.sessionId };
  for (const mirror of session.mirrors) Object.assign(env, mirrorEnv(mirror));
  return env;
}

/** Sets variables on `process.env`; returns a function that puts the previous values back. */
export function applyEnv(vars: Record<string, string>, target: NodeJS.ProcessEnv = process.env): () => void {
  const previous: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    previous[key] = target[key];
    target[key] = value;
  }
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete target[key];
      else target[key] = value;
    }
  };
}
