/** How a session is shown: the mirror lines, the `export` lines and the `--json` object. */
import type { Session } from '../client/index.js';
import { sessionEnv } from '../runtime/env.js';

/** SDK variables plus MIRRA_API_URL / MIRRA_TOKEN (so `vitest` and `mirra` in that shell use this control plane). */
export function exportVariables(session: Session, apiUrl: string, token: string | undefined): Record<string, string> {
  return { MIRRA_API_URL: apiUrl, ...(token ? { MIRRA_TOKEN: token } : {}), ...sessionEnv(session) };
}

/** `export NAME='value'` lines, quoted for POSIX shells. */
export function exportLines(vars: Record<string, string>): string[] {
  return Object.entries(vars).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function mirrorLines(session: Session): string[] {
  const lines: string[] = [];
  for (const m of session.mirrors) {
    lines.push(`✓ ${m.vendor} → ${m.url}  (mirror ${m.version})`);
    lines.push(`    api key         ${m.apiKey}`);
    lines.push(`    webhook secret  ${m.webhookSecret}`);
  }
  return lines;
}

export function sessionJson(session: Session, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    sessionId: session.sessionId,
    name: session.name,
    status: session.status,
    persistent: session.persistent,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt ?? null,
    mirrors: session.mirrors.map(({ vendor, url, version, apiKey, webhookSecret }) => ({ vendor, url, version, apiKey, webhookSecret })),
    ...extra,
  };
}
