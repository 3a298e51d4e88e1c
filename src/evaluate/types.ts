/**
 * The seam between one scenario run (`src/runtime/`, which captures what happened) and the
 * evaluation of its criteria (`src/evaluate/`). Everything here is plain JSON, so a capture
 * can be stored, sent to a worker or written to a result file.
 */
import type { VocabularyNoun } from '../mirrors/core/definition.js';
import type { TraceEntry } from '../mirrors/core/host-types.js';
import type { Criterion, Scenario } from '../scenario/types.js';

export type { VocabularyNoun, TraceEntry };

/** One webhook attempt made during the run (from the mirror's `webhook` trace rows). */
export interface WebhookAttempt {
  deliveryId: string;
  eventId: string;
  /** Event type (`email.delivered`). */
  type: string;
  endpointId: string;
  url: string;
  attempt: number;
  /** HTTP status the receiver answered, or null on a connection error/timeout. */
  status: number | null;
  /** 2xx: the handler received it. */
  ok: boolean;
  at: string;
}

/** One signature-verification probe: a delivery signed with a wrong secret. */
export interface SignatureVerification {
  endpointId?: string;
  url: string;
  /** True when the receiver rejected the forged delivery (non-2xx). */
  verified: boolean;
  status: number | null;
  error?: string;
  at: string;
}

/** What one mirror looked like around one run. */
export interface MirrorCapture {
  vendor: string;
  /** How criteria name the vendor (`Resend`). */
  displayName: string;
  vocabulary: Record<string, VocabularyNoun>;
  /** `GET /_mirra/state` right after seeding/reset, before the driver ran. */
  before: Record<string, unknown[]>;
  /** `GET /_mirra/state` after the driver finished and the session settled. */
  after: Record<string, unknown[]>;
  /** Trace rows recorded during the run, oldest first. */
  trace: TraceEntry[];
  webhooks: WebhookAttempt[];
  verifications: SignatureVerification[];
}

export interface DriverLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  at: string;
}

/** Everything evaluation may look at for one run of one scenario. */
export interface RunCapture {
  scenario: Scenario;
  /** Scenario file, relative to the project root when known. */
  file?: string;
  /** 1-based run index. */
  run: number;
  sessionId: string;
  mirrors: Record<string, MirrorCapture>;
  /** What the driver returned as `output`. */
  output?: unknown;
  logs: DriverLogEntry[];
  /** The driver threw (or the run could not start). */
  error?: { message: string; stack?: string };
  timedOut: boolean;
  durationMs: number;
}

/** Result of evaluating one `check:` criterion deterministically. */
export type CheckOutcome =
  | { status: 'pass'; message: string; pattern: string }
  | { status: 'fail'; message: string; pattern: string; expected?: unknown; found?: unknown }
  /** No pattern of the grammar or of `defineCheck` matched the text. */
  | { status: 'unmatched'; message: string; snippet: string };

/** What a judge sees. Bounded in size: trace and state are trimmed excerpts. */
export interface JudgeInput {
  criterion: string;
  scenario: { title: string; setup?: string; prompt?: string; expectedBehavior?: string };
  /** Trimmed, relevant trace excerpt (≈ 4K tokens at most). */
  trace: string;
  /** Trimmed final-state summary (≈ 2K tokens at most). */
  state: string;
  /** The driver's output, trimmed, when it returned one. */
  output?: string;
  /** `judge-model:` of the scenario. */
  model: string;
}

export interface JudgeVerdict {
  pass: boolean;
  explanation: string;
  /** 0..1 when the evaluator scores. */
  score?: number;
}

/** A pluggable LLM judge (DESIGN.md): built-ins are `anthropic()` and `openai()`. */
export interface Evaluator {
  name: string;
  judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeVerdict>;
}

/** The graded result of one criterion in one run; this is `task.meta.mirra`. */
export interface CriterionResult {
  scenario: string;
  file?: string;
  run: number;
  criterion: string;
  kind: 'check' | 'judge';
  /** null when not graded (judge without an evaluator). */
  pass: boolean | null;
  explanation: string;
  /** A check that matched no pattern and was sent to the judge. */
  escalated: boolean;
  /** The judge verdict came from the cache. */
  cached: boolean;
  line?: number;
  /** Warnings to show next to the result (tag contradictions, escalations). */
  warnings?: string[];
  /** Which check pattern decided (`count`, `property`, `defineCheck: …`). */
  pattern?: string;
  /** A `defineCheck` snippet for a check no pattern matched. */
  snippet?: string;
  /** The judge's 0..1 score, when it gave one. */
  score?: number;
}

export type { Criterion, Scenario };
