/**
 * Tag inference for criteria written without `check:` / `judge:` (spec §1.5).
 *
 * The rules form one ordered table; the first matching rule decides. Soft (judge) rules
 * come first because in a multi-condition criterion the soft half wins. When nothing
 * matches, the criterion is a `judge`: the check grammar needs a concrete anchor (a count,
 * a value, an event) to evaluate anything, and an unmatched check would be escalated to
 * the judge anyway.
 *
 * Every pattern is linear (no nested quantifiers over overlapping classes), and only the
 * first MAX_INFERENCE_CHARS characters are examined, so inference is fast on any input.
 */
import type { CriterionTag } from './types.js';

export const MAX_INFERENCE_CHARS = 1000;

export interface TagInference {
  tag: CriterionTag;
  /** Human-readable reason, quoting the text that decided it. */
  reason: string;
  /** Id of the rule that decided (`default` when none matched). */
  rule: InferenceRuleId;
  /** The matched text, when a rule matched. */
  match?: string;
}

export type InferenceRuleId =
  | 'subjective'
  | 'vague-implementation'
  | 'number'
  | 'concrete-value'
  | 'past-tense-event'
  | 'no-errors'
  | 'default';

interface InferenceRule {
  id: Exclude<InferenceRuleId, 'default'>;
  tag: CriterionTag;
  describe: string;
  patterns: RegExp[];
  /** The rule applies only when this returns false for the text. */
  unless?: (text: string) => boolean;
}

const NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|a single|zero';

const NUMBER_PATTERNS: RegExp[] = [
  /(?<![\w.])\d+(?:[.,]\d+)*(?![\w])/,
  new RegExp(`\\b(?:exactly|at least|at most|fewer than|more than|less than|no more than|no fewer than|only|precisely)\\s+(?:${NUMBER_WORDS})\\b`, 'i'),
  /\b(?:once|twice|thrice)\b/i,
];

const hasNumber = (text: string): boolean => NUMBER_PATTERNS.some((pattern) => pattern.test(text));

const SUBJECTIVE_WORDS = [
  'appropriate', 'appropriately', 'inappropriate', 'clear', 'clearly', 'unclear', 'graceful', 'gracefully',
  'helpful', 'unhelpful', 'polite', 'politely', 'impolite', 'friendly', 'unfriendly', 'user-friendly',
  'well-structured', 'well structured', 'well-written', 'well written', 'well-designed', 'readable',
  'professional', 'professionally', 'unprofessional', 'reasonable', 'reasonably', 'sensible', 'good',
  'nice', 'intuitive', 'concise', 'idiomatic', 'elegant', 'maintainable', 'robust', 'meaningful',
  'informative', 'natural', 'empathetic', 'courteous', 'understandable', 'descriptive', 'adequate',
  'adequately', 'sufficient', 'on-brand', 'on brand', 'tone', 'engaging', 'high-quality',
  'high quality', 'securely', 'safely', 'efficiently', 'sensibly', 'thoughtful', 'thoughtfully',
  'makes sense', 'easy to', 'looks good',
];

const escapeRegExp = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SUBJECTIVE_PATTERN = new RegExp(
  `(?<![\\w-])(?:${SUBJECTIVE_WORDS.map((word) => escapeRegExp(word).replace(/ /g, '\\s+')).join('|')})(?![\\w-])`,
  'i',
);

/** Verbs whose past participle names an event a mirror records. */
const EVENT_VERBS = [
  'created', 'delivered', 'sent', 'received', 'verified', 'registered', 'logged', 'recorded', 'refunded',
  'charged', 'canceled', 'cancelled', 'deleted', 'updated', 'returned', 'called', 'scheduled', 'queued',
  'bounced', 'failed', 'succeeded', 'paid', 'captured', 'issued', 'triggered', 'fired', 'emitted', 'stored',
  'saved', 'posted', 'dispatched', 'opened', 'clicked', 'processed', 'retried', 'rejected', 'accepted',
  'blocked', 'completed', 'confirmed', 'subscribed', 'unsubscribed', 'invoiced', 'attempted', 'published',
  'acknowledged', 'added', 'removed', 'purchased', 'provisioned', 'released', 'signed', 'set', 'made',
];

const IRREGULAR_PARTICIPLES = ['sent', 'paid', 'made', 'set', 'built', 'written', 'shown', 'given', 'taken', 'kept', 'held', 'done', 'run', 'read'];

const PAST_TENSE_PATTERNS: RegExp[] = [
  // "was delivered", "were sent", "has been verified", "was never sent"
  new RegExp(
    `\\b(?:was|were|has been|have been|had been|got|gets)\\s+(?:[a-z]+ly\\s+|never\\s+|not\\s+)?(?:[a-z]+ed|${IRREGULAR_PARTICIPLES.join('|')})\\b`,
    'i',
  ),
  // "is created", "are delivered": present passive, only for event verbs
  new RegExp(`\\b(?:is|are)\\s+(?:[a-z]+ly\\s+|not\\s+)?(?:${EVENT_VERBS.join('|')})\\b`, 'i'),
  // "the handler received ...", "Stripe sent ..."
  new RegExp(`\\b(?:${EVENT_VERBS.filter((verb) => verb.endsWith('ed') || verb === 'sent' || verb === 'paid').join('|')})\\b`, 'i'),
];

const CONCRETE_VALUE_PATTERNS: RegExp[] = [
  /`[^`\n]*[^`\s][^`\n]*`/, // inline code: `hello@mail.acme.com`, `sub_abc`
  /"[^"\n]{1,200}"|“[^”\n]{1,200}”/, // a quoted literal: the subject "Welcome to Acme"
  /\b[\w.+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}\b/i, // an email address
  /\bhttps?:\/\/\S/i, // a URL
  /\b(?:pi|ch|re|sub|cus|in|evt|pm|price|prod|acct|whsec|txn|py|seti|si|cs|ii|il|we)_[A-Za-z0-9]{2,}\b/, // Stripe-style ids
  /\b(?:SM|MM|AC|MG|PN|VA|VE|CA|RE)[0-9a-f]{32}\b/, // Twilio SIDs
  /\b(?:email|domain|contact|charge|payment_intent|invoice|customer|checkout|subscription|refund|payout|message|call|verification)\.[a-z_]{3,}(?:\.[a-z_]{3,}){0,3}\b/i, // vendor event names
  /(?:^|\s)[+]\d{6,15}\b/, // an E.164 phone number
];

const NO_ERRORS_PATTERNS: RegExp[] = [
  /\b(?:no|zero|without(?: any)?)\s+(?:[\w-]+\s+){0,2}?(?:errors?|failures?|exceptions?|retries)\b/i,
  /\bnever\s+(?:fails?|errors?|errored|throws?)\b/i,
];

const VAGUE_IMPLEMENTATION_PATTERNS: RegExp[] = [
  /\berror[- ]handling\b/i,
  /\b(?:correctly|properly|as expected)\b/i,
  /\bhandles?\b/i,
  /\b(?:is|are)\s+implemented\b/i,
  /\bimplements?\b/i,
];

/** The inference table, in the order the rules are tried. */
export const INFERENCE_RULES: readonly InferenceRule[] = [
  { id: 'subjective', tag: 'judge', describe: 'subjective wording', patterns: [SUBJECTIVE_PATTERN] },
  {
    id: 'vague-implementation',
    tag: 'judge',
    describe: 'a vague implementation claim without a number',
    patterns: VAGUE_IMPLEMENTATION_PATTERNS,
    unless: hasNumber,
  },
  { id: 'number', tag: 'check', describe: 'a number', patterns: NUMBER_PATTERNS },
  { id: 'concrete-value', tag: 'check', describe: 'a concrete value', patterns: CONCRETE_VALUE_PATTERNS },
  { id: 'past-tense-event', tag: 'check', describe: 'a recorded event', patterns: PAST_TENSE_PATTERNS },
  { id: 'no-errors', tag: 'check', describe: 'an absence of errors', patterns: NO_ERRORS_PATTERNS },
];

/** Infers `check` or `judge` for a criterion text (markdown allowed). */
export function inferTag(text: string): TagInference {
  const sample = text.slice(0, MAX_INFERENCE_CHARS);
  for (const rule of INFERENCE_RULES) {
    if (rule.unless?.(sample)) continue;
    for (const pattern of rule.patterns) {
      const found = pattern.exec(sample);
      if (found) {
        const match = found[0].trim();
        return { tag: rule.tag, rule: rule.id, match, reason: `${rule.describe} (${JSON.stringify(match)})` };
      }
    }
  }
  return { tag: 'judge', rule: 'default', reason: 'no deterministic signal (no number, value or event)' };
}
