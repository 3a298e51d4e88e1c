/** Trace rows → the capture's webhook attempts and signature verifications. */
import type { SignatureVerification, TraceEntry, VocabularyNoun, WebhookAttempt } from '../evaluate/types.js';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === null || v === undefined ? fallback : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** `webhook` rows with `action: attempted` → WebhookAttempt (oldest first). */
export function webhookAttempts(trace: TraceEntry[]): WebhookAttempt[] {
  return trace
    .filter((e) => e.kind === 'webhook' && e.data.action === 'attempted')
    .map((e) => {
      const d = e.data;
      const status = num(d.status);
      return {
        deliveryId: str(d.deliveryId),
        eventId: str(d.eventId),
        type: str(d.type),
        endpointId: str(d.endpointId),
        url: str(d.url),
        attempt: num(d.attempt) ?? 1,
        status,
        ok: typeof d.ok === 'boolean' ? d.ok : status !== null && status >= 200 && status < 300,
        at: e.at,
      };
    });
}

/** `probe` rows → SignatureVerification (verified = the forged delivery was refused). */
export function signatureVerifications(trace: TraceEntry[]): SignatureVerification[] {
  return trace
    .filter((e) => e.kind === 'probe')
    .map((e) => {
      const d = e.data;
      const out: SignatureVerification = { url: str(d.url), verified: d.verified === true, status: num(d.statusCode ?? d.status), at: str(d.at, e.at) };
      if (typeof d.endpointId === 'string') out.endpointId = d.endpointId;
      if (typeof d.error === 'string' && d.error) out.error = d.error;
      return out;
    });
}

/** Normalises trace rows from the wire. */
export function toTraceEntries(rows: Record<string, unknown>[]): TraceEntry[] {
  return rows.map((r) => ({
    id: Number(r.id),
    at: str(r.at),
    kind: str(r.kind),
    level: r.level === 'error' ? 'error' : 'info',
    data: (typeof r.data === 'object' && r.data !== null ? r.data : {}) as Record<string, unknown>,
  }));
}

/** `displayName` and `vocabulary` from `GET /_mirra/metadata`. */
export function mirrorDescription(vendor: string, metadata: Record<string, unknown>): { displayName: string; vocabulary: Record<string, VocabularyNoun> } {
  const displayName = typeof metadata.displayName === 'string' && metadata.displayName ? metadata.displayName : vendor.charAt(0).toUpperCase() + vendor.slice(1);
  const vocabulary = (typeof metadata.vocabulary === 'object' && metadata.vocabulary !== null ? metadata.vocabulary : {}) as Record<string, VocabularyNoun>;
  return { displayName, vocabulary };
}
