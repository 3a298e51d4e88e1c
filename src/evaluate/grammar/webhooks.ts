/**
 * Webhook traffic: "At least 1 `email.delivered` webhook was received by the handler",
 * "Exactly 2 webhooks were delivered", "A `charge.refunded` webhook was received",
 * "No webhook deliveries failed".
 *
 * received/delivered/handled = a delivery with a 2xx answer; sent/dispatched/attempted =
 * any attempt; failed/rejected = deliveries with a non-2xx (or no) answer on some attempt.
 * Counts are per delivery (one event to one endpoint), not per retry.
 */
import type { RunCapture, WebhookAttempt } from '../types.js';
import { placeholderIndex, valueOf, listIds, type Sentence } from '../text.js';
import { mirrorList } from '../capture-view.js';
import { fail, verdict, type GrammarPattern } from './outcome.js';
import { ADVERBS, AUX, compare, extractMirror, mirrorLabel, missingMirrorMessage, parseQuantifier, singularQuantity, type Quantifier } from './phrase.js';

const WEBHOOK_NOUNS = new Set(['webhook', 'webhooks', 'webhook event', 'webhook events', 'webhook delivery', 'webhook deliveries', 'webhook call', 'webhook calls', 'webhook request', 'webhook requests', 'event', 'events', 'delivery', 'deliveries', 'webhook notification', 'webhook notifications']);
const OK_VERBS = new Set(['received', 'delivered', 'acknowledged', 'handled', 'processed', 'accepted', 'succeeded']);
const ANY_VERBS = new Set(['sent', 'dispatched', 'fired', 'attempted', 'emitted', 'triggered', 'made', 'posted']);
const FAIL_VERBS = new Set(['failed', 'rejected', 'errored']);
const RECEIVERS = new Set(['handler', 'app', 'application', 'endpoint', 'server', 'receiver', 'webhook handler', 'webhook endpoint', 'backend', 'route', 'service', 'api']);

type Kind = 'ok' | 'any' | 'failed';

interface WebhookSentence {
  quant: Quantifier;
  type?: string;
  kind: Kind;
  verb: string;
  url?: string;
  vendor?: string;
  missing?: string;
  nounPlural: boolean;
}

function isTypeToken(sentence: Sentence, token: string): string | undefined {
  if (placeholderIndex(token) !== undefined) return valueOf(sentence, token).raw;
  if (/^[a-z_]+(\.[a-z_]+)+$/.test(token)) return token;
  return undefined;
}

function parse(sentence: Sentence, capture: RunCapture): WebhookSentence | undefined {
  const scoped = extractMirror(capture, sentence.tokens);
  let tokens = scoped.tokens;
  let quant = parseQuantifier(tokens);
  if (!quant) {
    if (tokens[0]?.toLowerCase() !== 'the') return undefined;
    quant = { op: 'gte', n: 1, label: 'at least 1', consumed: 1 };
  }
  tokens = tokens.slice(quant.consumed);
  let type: string | undefined;
  // "`email.delivered` webhook(s)" or "webhook(s) for/of type `email.delivered`".
  const first = isTypeToken(sentence, tokens[0] ?? '');
  if (first) {
    type = first;
    tokens = tokens.slice(1);
  }
  let nounLen = 0;
  for (const len of [2, 1]) {
    if (WEBHOOK_NOUNS.has(tokens.slice(0, len).join(' ').toLowerCase())) {
      nounLen = len;
      break;
    }
  }
  if (nounLen === 0) return undefined;
  const noun = tokens.slice(0, nounLen).join(' ').toLowerCase();
  // Bare "event(s)" / "deliveries" only with a type or a clear webhook verb below.
  tokens = tokens.slice(nounLen);
  const lower = () => tokens.map((t) => t.toLowerCase());
  if (!type && ['for', 'of'].includes(lower()[0] ?? '')) {
    let k = 1;
    if (lower()[k] === 'type') k++;
    const t = isTypeToken(sentence, tokens[k] ?? '');
    if (!t) return undefined;
    type = t;
    tokens = tokens.slice(k + 1);
  }
  while (tokens.length > 0 && (AUX.has(lower()[0]) || ADVERBS.has(lower()[0]))) tokens = tokens.slice(1);
  const verb = lower()[0];
  if (!verb) return undefined;
  const kind: Kind | undefined = OK_VERBS.has(verb) ? 'ok' : ANY_VERBS.has(verb) ? 'any' : FAIL_VERBS.has(verb) ? 'failed' : undefined;
  if (!kind) return undefined;
  if (!type && !noun.startsWith('webhook') && kind !== 'failed') return undefined;
  tokens = tokens.slice(1);
  // Tail: "by the handler", "by `/api/webhooks`", "at `url`", "to `url`", "successfully".
  let url: string | undefined;
  while (tokens.length > 0) {
    const w = lower();
    if (ADVERBS.has(w[0])) {
      tokens = tokens.slice(1);
      continue;
    }
    if (['by', 'at', 'to'].includes(w[0])) {
      let k = 1;
      if (['the', 'our', 'my', 'its', 'their'].includes(w[k])) k++;
      if (placeholderIndex(tokens[k] ?? '') !== undefined) {
        url = valueOf(sentence, tokens[k]).raw;
        tokens = tokens.slice(k + 1);
        continue;
      }
      const two = `${w[k] ?? ''} ${w[k + 1] ?? ''}`;
      if (RECEIVERS.has(two)) {
        tokens = tokens.slice(k + 2);
        continue;
      }
      if (RECEIVERS.has(w[k] ?? '')) {
        tokens = tokens.slice(k + 1);
        continue;
      }
    }
    return undefined;
  }
  return { quant, type, kind, verb, url, vendor: scoped.vendor, missing: scoped.missing, nounPlural: noun.endsWith('s') };
}

function deliveryKey(a: WebhookAttempt): string {
  return a.deliveryId || `${a.eventId}|${a.endpointId}|${a.url}`;
}

function attemptLabel(a: WebhookAttempt): string {
  return `\`${a.type}\` to ${a.url} → ${a.status ?? 'no response'} (attempt ${a.attempt})`;
}

export function allAttempts(capture: RunCapture, vendor?: string): WebhookAttempt[] {
  return mirrorList(capture)
    .filter((m) => !vendor || m.vendor === vendor || capture.mirrors[vendor] === m)
    .flatMap((m) => m.webhooks ?? []);
}

export const webhookPattern: GrammarPattern = {
  name: 'webhook',
  match(sentence, capture) {
    const w = parse(sentence, capture);
    if (!w) return undefined;
    if (w.missing) return fail('webhook', missingMirrorMessage(capture, w.missing));
    let attempts = allAttempts(capture, w.vendor);
    if (w.type) attempts = attempts.filter((a) => a.type === w.type);
    if (w.url) attempts = attempts.filter((a) => a.url.includes(w.url!));
    const byDelivery = new Map<string, WebhookAttempt[]>();
    for (const a of attempts) {
      const k = deliveryKey(a);
      byDelivery.set(k, [...(byDelivery.get(k) ?? []), a]);
    }
    let matched: Array<[string, WebhookAttempt[]]>;
    if (w.kind === 'ok') matched = [...byDelivery].filter(([, as]) => as.some((a) => a.ok));
    else if (w.kind === 'failed') matched = [...byDelivery].filter(([, as]) => as.some((a) => !a.ok));
    else matched = [...byDelivery];
    const n = matched.length;
    const ok = compare(n, w.quant);
    const typeText = w.type ? `\`${w.type}\` ` : '';
    const nounFor = (singular: boolean) => (w.kind === 'failed' ? (singular ? 'webhook delivery' : 'webhook deliveries') : singular ? 'webhook' : 'webhooks');
    const noun = nounFor(singularQuantity(w.quant));
    const verbText =
      w.kind === 'ok' ? `${w.verb === 'delivered' ? 'delivered' : 'received'} by the handler` : w.kind === 'failed' ? 'failed' : w.verb;
    const where = w.url ? ` at \`${w.url}\`` : '';
    const found =
      w.kind === 'failed'
        ? matched.flatMap(([, as]) => as.filter((a) => !a.ok)).map(attemptLabel)
        : matched.map(([k, as]) => `${k} (\`${as[0].type}\`)`);
    const list = found.length > 0 ? `: ${listIds(found)}` : '';
    // Context when nothing matched: what did happen.
    let context = '';
    if (!ok && n === 0) {
      const seen = allAttempts(capture, w.vendor);
      context =
        seen.length === 0
          ? ` (no webhook attempts in the run${mirrorList(capture).length > 0 ? ` in ${mirrorLabel(capture, w.vendor)}` : ''})`
          : ` (attempts in the run: ${listIds(seen.map((a) => `\`${a.type}\` → ${a.status ?? 'no response'}`), 8)})`;
    }
    return verdict(
      ok,
      'webhook',
      `found ${n === 0 ? 'no' : n} ${typeText}${nounFor(n === 1)} ${verbText}${where} (expected ${w.quant.label})${list}`,
      `expected ${w.quant.label} ${typeText}${noun} ${verbText}${where}, found ${n}${list}${context}`,
      { op: w.quant.op, count: w.quant.n, type: w.type ?? null, kind: w.kind },
      { count: n, deliveries: matched.map(([k]) => k) },
    );
  },
};
