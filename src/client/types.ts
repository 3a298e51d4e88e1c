/** Wire types of the control-plane API (docs/api.md). */

export interface SessionMirror {
  vendor: string;
  /** Origin serving this mirror (the control plane's own origin locally). */
  url: string;
  version: string;
  apiVersion: string;
  apiKey: string;
  webhookSecret: string;
}

export interface SessionStats {
  requests: number;
  webhooks: number;
  errors: number;
  mirrors?: Record<string, { requests: number; webhooks: number; errors: number }>;
}

export type SeedInput = string | { fixture?: string; file?: string; data?: unknown };

export interface CreateSessionRequest {
  mirrors: string[];
  seeds?: Record<string, SeedInput>;
  persistent?: boolean;
  name?: string;
  timeoutSeconds?: number;
  versions?: Record<string, string>;
  clock?: 'real' | 'manual';
}

export interface Session {
  sessionId: string;
  status: 'ready' | 'ended' | 'expired' | 'archived' | 'unavailable';
  name: string;
  persistent: boolean;
  workspace: string;
  mirrors: SessionMirror[];
  seeds: Record<string, unknown>;
  timeoutSeconds: number;
  createdAt: string;
  expiresAt?: string | null;
  endedAt?: string;
  endReason?: string;
  archiveDir?: string;
  stats?: SessionStats;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface ListSessionsQuery {
  mode?: 'ephemeral' | 'persistent';
  status?: 'ready' | 'ended' | 'expired' | 'archived';
  name?: string;
  workspace?: string;
  limit?: number;
  cursor?: string;
}

export interface ResetRequest {
  mirrors?: string[];
  seeds?: Record<string, SeedInput>;
}

export interface ResetResult {
  sessionId: string;
  status: string;
  mirrors: { vendor: string; seed: unknown; durationMs: number }[];
  durationMs: number;
}

export interface SessionSnapshot {
  snapshotId: string;
  sessionId: string;
  createdAt: string;
  mirrors: { vendor: string; snapshotId: string; mirrorVersion: string; bytes: number }[];
  durationMs?: number;
}

export interface RestoreResult {
  sessionId: string;
  snapshotId: string;
  mirrors: { vendor: string; snapshotId: string; durationMs: number }[];
  durationMs: number;
}

export type RunStatus = 'queued' | 'running' | 'complete' | 'failed' | 'timed_out';

export interface CriterionResult {
  label: string;
  kind: 'check' | 'judge';
  passed: number;
  total: number;
}

export interface CriterionGrade {
  label: string;
  kind: 'check' | 'judge';
  passed: boolean;
  explanation?: string;
  score?: number;
  escalated?: boolean;
}

export interface CreateRunRequest {
  scenario?: unknown;
  scenarioMarkdown?: string;
  sessionId?: string;
  file?: string;
  runs?: number;
  meta?: Record<string, unknown>;
}

export interface Run {
  runId: string;
  status: RunStatus;
  scenario: { title: string; file?: string; [key: string]: unknown };
  sessionId: string | null;
  satisfactionScore: number | null;
  runs: number;
  criteria: CriterionResult[];
  durationMs: number | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  results: { run: number; status: string; criteria: CriterionGrade[]; durationMs?: number; recordedAt: string }[];
  error?: Record<string, unknown>;
  meta: Record<string, unknown>;
}

export interface UpdateRunRequest {
  status?: RunStatus;
  sessionId?: string;
  satisfactionScore?: number;
  criteria?: CriterionResult[];
  durationMs?: number;
  error?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

export interface RunResultsRequest {
  run: number;
  criteria: CriterionGrade[];
  status?: 'complete' | 'failed' | 'timed_out';
  durationMs?: number;
  error?: Record<string, unknown>;
}

export type SessionEventType =
  | 'traffic.request_completed'
  | 'webhook.dispatched'
  | 'state.changed'
  | 'session.lifecycle'
  | 'evaluation.criterion_graded';

export interface SessionEvent {
  /** SSE id; pass back as `lastEventId` to resume. */
  id: string;
  type: SessionEventType;
  sessionId: string;
  at: string;
  data: Record<string, unknown>;
}
