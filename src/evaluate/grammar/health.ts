/**
 * Signatures, errors and failed requests:
 * - "The webhook signature was verified" / "Webhook signatures are verified" /
 *   "signature-verified": at least one signature probe ran and every probe's forged
 *   delivery was refused by the receiver;
 * - "No signature failures": no probe was accepted, no correctly signed delivery was
 *   refused with 400/401/403, no error entry mentions a signature;
 * - "No errors were logged" / "no errors": no trace entry at level `error`, no driver log at
 *   level `error`, the driver did not throw and the run did not time out;
 * - "No requests failed" / "No API errors": no mirror request answered 4xx/5xx.
 */
import type { RunCapture, TraceEntry } from '../types.js';
import { listIds } from '../text.js';
import { mirrorList, rowsOf } from '../capture-view.js';
import { fail, pass, verdict, type GrammarPattern } from './outcome.js';
import { extractMirror, mirrorLabel, missingMirrorMessage } from './phrase.js';
import { allAttempts } from './webhooks.js';

const PH = '\u27e8\\d+\u27e9';
const VERIFIED = [
  new RegExp(
    `^(?:and )?(?:the |its |their |all |every |each )?(?:(?:${PH}|webhook|webhooks|svix|stripe|twilio|resend) )?(?:webhook |event )?signatures? (?:is |are |was |were |gets |get |got |has been |have been |should be |must be )?(?:always |correctly |properly |successfully )?(?:verified|validated|checked)(?: correctly| properly| successfully)?(?: by the (?:handler|app|application|receiver|endpoint|server|webhook handler))?$`,
  ),
  /^(?:and )?(?:is |was |were |are )?(?:signature[- ]verified|signature verification (?:passed|succeeded|works))$/,
  new RegExp(`^(?:the )?(?:webhook )?(?:handler|app|application|receiver|endpoint|server) (?:verifies|validates|checks|verified|validated|checked) (?:the |all |every |each )?(?:(?:${PH}|webhook) )?signatures?$`),
];
const NO_SIGNATURE_FAILURES = /^(?:there (?:were|are|was) )?no (?:webhook )?signature(?: verification)? (?:failures?|errors?|mismatches)(?: (?:were |was )?(?:logged|recorded|occurred|detected|seen))?$/;
const NO_ERRORS = [
  /^(?:there (?:were|are|was) )?no errors?(?: (?:were|was|are|is|have been|has been|got|get) (?:logged|recorded|raised|thrown|reported|seen|found|encountered|returned|produced|emitted))?(?: (?:in|during) (?:the )?(?:run|trace|session|logs?))?$/,
  /^no errors? (?:occurred|happened)(?: (?:in|during) (?:the )?(?:run|session))?$/,
  /^nothing (?:was )?logged at (?:the )?error level$/,
  /^(?:the )?(?:run|trace|session|logs?|driver) (?:has|have|had|contains?|shows?|showed|logged|produced|reported) no errors$/,
  /^no exceptions? (?:were |was )?(?:thrown|raised|logged)$/,
];
const NO_FAILED_REQUESTS = [
  /^no (?:failed|unsuccessful|erroring|rejected) (?:api |http )?(?:requests|calls)$/,
  /^no (?:api |http )?(?:requests|calls) (?:failed|were rejected|errored)$/,
  /^all (?:api |http )?(?:requests|calls) (?:succeeded|were successful|returned 2xx)$/,
  /^no api errors?(?: were returned)?$/,
  /^no (?:4xx|5xx|4xx or 5xx|4xx\/5xx) (?:responses|errors)(?: were returned)?$/,
];

function normalized(tokens: string[]): string {
  return tokens.join(' ').toLowerCase();
}

function describeEntry(capture: RunCapture, vendor: string, e: TraceEntry): string {
  const name = capture.mirrors[vendor]?.displayName ?? vendor;
  const d = e.data;
  let what: string;
  if (e.kind === 'request') what = `${String(d.method)} ${String(d.path)} → ${String(d.status)}`;
  else if (e.kind === 'webhook') what = `webhook \`${String(d.type)}\` to ${String(d.url)} → ${d.status ?? 'no response'}${d.error ? ` (${String(d.error)})` : ''}`;
  else if (typeof d.message === 'string') what = `${e.kind}: ${d.message}`;
  else what = `${e.kind}: ${JSON.stringify(d).slice(0, 160)}`;
  return `[${name}] ${what} (trace #${e.id})`;
}

export const signaturePattern: GrammarPattern = {
  name: 'signature',
  match(sentence, capture) {
    const scoped = extractMirror(capture, sentence.tokens);
    const text = normalized(scoped.tokens);
    const verifiedForm = VERIFIED.some((re) => re.test(text));
    const noFailures = NO_SIGNATURE_FAILURES.test(text);
    if (!verifiedForm && !noFailures) return undefined;
    if (scoped.missing) return fail('signature', missingMirrorMessage(capture, scoped.missing));
    const mirrors = mirrorList(capture).filter((m) => !scoped.vendor || capture.mirrors[scoped.vendor] === m);
    const verifications = mirrors.flatMap((m) => m.verifications ?? []);
    const accepted = verifications.filter((v) => !v.verified);
    const describeProbe = (v: (typeof verifications)[number]) =>
      v.status === null ? `${v.url} could not be reached${v.error ? ` (${v.error})` : ''}` : `${v.url} answered ${v.status} to a delivery signed with the wrong secret`;
    if (verifiedForm) {
      if (verifications.length === 0) {
        const endpoints = mirrors.flatMap((m) => rowsOf(m.after, '_webhook_endpoints'));
        const why =
          endpoints.length === 0
            ? `no webhook endpoint was registered in ${mirrorLabel(capture, scoped.vendor)}, so there was nothing to probe`
            : `no signature probe was recorded (endpoints: ${listIds(endpoints.map((e) => String(e.url ?? e.id)))})`;
        return fail('signature', `expected the webhook signature to be verified, but ${why}`, { verified: true }, { probes: 0 });
      }
      // A handler that refuses everything also refuses the forged delivery: only count the
      // refusal when correctly signed deliveries to the same URL were accepted (or none were sent).
      const attempts = allAttempts(capture, scoped.vendor);
      const refusesAll = [...new Set(verifications.map((v) => v.url))].filter((url) => {
        const genuine = attempts.filter((a) => a.url === url);
        return genuine.length > 0 && !genuine.some((a) => a.ok);
      });
      if (accepted.length === 0 && refusesAll.length > 0) {
        return fail(
          'signature',
          `expected the webhook signature to be verified, but the handler refused correctly signed deliveries too, so refusing the forged one proves nothing: ${listIds(refusesAll.map((url) => `${url} accepted none of ${attempts.filter((a) => a.url === url).length} signed attempts`))}`,
          { verified: true },
          { probes: verifications.length, refusesAll: refusesAll.length },
        );
      }
      return verdict(
        accepted.length === 0,
        'signature',
        `the handler rejected deliveries with a forged signature: ${listIds(verifications.map((v) => `${v.url} → ${v.status}`))}`,
        `expected the webhook signature to be verified, but ${accepted.length} of ${verifications.length} probes were accepted: ${listIds(accepted.map(describeProbe))}`,
        { verified: true },
        { probes: verifications.length, accepted: accepted.length },
      );
    }
    const failures: string[] = accepted.map(describeProbe);
    const vendors = Object.keys(capture.mirrors).filter((v) => !scoped.vendor || v === scoped.vendor);
    for (const a of allAttempts(capture, scoped.vendor)) {
      if (a.status === 400 || a.status === 401 || a.status === 403) failures.push(`the handler refused a correctly signed \`${a.type}\` delivery with ${a.status} (${a.url}, attempt ${a.attempt})`);
    }
    for (const v of vendors) {
      for (const e of capture.mirrors[v].trace ?? []) {
        if (e.level === 'error' && e.kind !== 'webhook' && /signature/i.test(JSON.stringify(e.data))) failures.push(describeEntry(capture, v, e));
      }
    }
    return verdict(
      failures.length === 0,
      'signature',
      verifications.length > 0 ? `no signature failures (${verifications.length} ${verifications.length === 1 ? 'probe' : 'probes'} refused)` : 'no signature failures',
      `expected no signature failures, found ${failures.length}: ${listIds(failures)}`,
      { failures: 0 },
      { failures },
    );
  },
};

export const errorsPattern: GrammarPattern = {
  name: 'errors',
  match(sentence, capture) {
    const scoped = extractMirror(capture, sentence.tokens);
    const text = normalized(scoped.tokens);
    if (!NO_ERRORS.some((re) => re.test(text))) return undefined;
    if (scoped.missing) return fail('errors', missingMirrorMessage(capture, scoped.missing));
    const found: string[] = [];
    for (const [vendor, m] of Object.entries(capture.mirrors)) {
      if (scoped.vendor && vendor !== scoped.vendor) continue;
      for (const e of m.trace ?? []) if (e.level === 'error') found.push(describeEntry(capture, vendor, e));
    }
    if (!scoped.vendor) {
      for (const l of capture.logs ?? []) if (l.level === 'error') found.push(`[driver] ${l.message}`);
      if (capture.error) found.push(`[driver] threw: ${capture.error.message}`);
      if (capture.timedOut) found.push(`[run] timed out after ${capture.scenario?.config?.timeout ?? '?'}s`);
    }
    const where = scoped.vendor ? ` in ${mirrorLabel(capture, scoped.vendor)}` : '';
    if (found.length === 0) return pass('errors', `no errors were logged${where}`);
    return fail('errors', `expected no errors${where}, found ${found.length}: ${listIds(found)}`, { errors: 0 }, { errors: found });
  },
};

export const failedRequestsPattern: GrammarPattern = {
  name: 'requests',
  match(sentence, capture) {
    const scoped = extractMirror(capture, sentence.tokens);
    const text = normalized(scoped.tokens);
    const re = NO_FAILED_REQUESTS.find((r) => r.test(text));
    if (!re) return undefined;
    if (scoped.missing) return fail('requests', missingMirrorMessage(capture, scoped.missing));
    const only5xx = /5xx/.test(text) && !/4xx/.test(text);
    const found: string[] = [];
    for (const [vendor, m] of Object.entries(capture.mirrors)) {
      if (scoped.vendor && vendor !== scoped.vendor) continue;
      for (const e of m.trace ?? []) {
        const status = Number(e.data.status);
        if (e.kind !== 'request' || !Number.isFinite(status)) continue;
        if (only5xx ? status >= 500 : status >= 400) {
          const body = e.data.responseBody as Record<string, unknown> | undefined;
          const detail = body && typeof body === 'object' && typeof body.message === 'string' ? `: ${body.message}` : '';
          found.push(`${describeEntry(capture, vendor, e)}${detail}`);
        }
      }
    }
    const what = only5xx ? 'requests answered 5xx' : 'failed requests';
    return verdict(
      found.length === 0,
      'requests',
      `no ${what} in ${mirrorLabel(capture, scoped.vendor)}`,
      `expected no ${what} in ${mirrorLabel(capture, scoped.vendor)}, found ${found.length}: ${listIds(found)}`,
      { failures: 0 },
      { failures: found },
    );
  },
};
