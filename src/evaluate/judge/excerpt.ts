/**
 * What a judge sees of a run, bounded: a trace excerpt (≈ 16 KB ≈ 4K tokens: requests with
 * trimmed bodies, webhook attempts, signature probes, errors, state changes), a state
 * summary (≈ 8 KB: rows created/changed during the run first) and the driver's output
 * (≈ 4 KB). Secrets (webhook secrets, API keys, tokens) are redacted.
 */
import type { Criterion, JudgeInput, MirrorCapture, RunCapture, TraceEntry } from '../types.js';
import { changedRows, createdRows, rowId, rowsOf, type Row } from '../capture-view.js';

export const TRACE_BUDGET = 16_000;
export const STATE_BUDGET = 8_000;
export const OUTPUT_BUDGET = 4_000;
const BODY_LIMIT = 600;
const ROW_LIMIT = 900;

const SECRET_KEY = /secret|password|token|api_?key|authorization|signature/i;

/** Deep copy with secret-looking keys replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || (typeof v === 'object' && v !== null)) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…[+${text.length - limit} chars]`;
}

function json(value: unknown, limit: number): string {
  if (value === undefined) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(redact(value));
  return clip(s ?? '', limit);
}

interface Line {
  id: number;
  text: string;
  /** Lower keeps first when trimming. */
  priority: number;
}

function traceLine(name: string, e: TraceEntry): Line | undefined {
  const d = e.data;
  const time = e.at.length >= 19 ? e.at.slice(11, 19) : e.at;
  const head = `${time} [${name}]`;
  switch (e.kind) {
    case 'request': {
      const req = d.requestBody !== undefined && d.requestBody !== null ? ` request=${json(d.requestBody, BODY_LIMIT)}` : '';
      const res = d.responseBody !== undefined && d.responseBody !== null ? ` response=${json(d.responseBody, BODY_LIMIT)}` : '';
      return { id: e.id, priority: Number(d.status) >= 400 ? 0 : 1, text: `${head} ${String(d.method)} ${String(d.path)} → ${String(d.status)}${req}${res}` };
    }
    case 'webhook': {
      if (d.action === 'attempted' || d.action === 'collected') {
        const status = d.status === null || d.status === undefined ? `no response${d.error ? ` (${String(d.error)})` : ''}` : String(d.status);
        return { id: e.id, priority: d.ok === false ? 0 : 1, text: `${head} webhook ${String(d.type)} → ${String(d.url)} attempt ${String(d.attempt)}: ${status}${d.ok === false ? ' FAILED' : ''}` };
      }
      if (d.action === 'endpoint_registered') return { id: e.id, priority: 1, text: `${head} webhook endpoint registered ${String(d.url)} events=${JSON.stringify(d.events)}` };
      if (d.action === 'emitted') return { id: e.id, priority: 3, text: `${head} event ${String(d.type)} emitted to ${String(d.deliveries)} endpoint(s)` };
      return undefined;
    }
    case 'probe':
      return {
        id: e.id,
        priority: 0,
        text: `${head} signature probe → ${String(d.url)}: ${d.verified === true ? `forged signature rejected (${String(d.statusCode)})` : `forged signature ACCEPTED (${String(d.statusCode ?? d.error)})`}`,
      };
    case 'state': {
      const verb = d.before === null ? 'created' : d.after === null ? 'deleted' : 'updated';
      let detail = '';
      if (verb === 'updated' && d.before && d.after && typeof d.before === 'object' && typeof d.after === 'object') {
        const b = d.before as Row;
        const a = d.after as Row;
        const changes = Object.keys({ ...b, ...a })
          .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]) && k !== 'updated_at')
          .map((k) => `${k}: ${json(b[k], 80)} → ${json(a[k], 80)}`);
        detail = ` ${changes.join(', ')}`;
      }
      return { id: e.id, priority: 2, text: `${head} ${String(d.entity)} ${String(d.entityId)} ${verb}${detail}` };
    }
    case 'error':
      return { id: e.id, priority: 0, text: `${head} ERROR ${json(d.message ?? d, BODY_LIMIT)}` };
    case 'simulate':
      return { id: e.id, priority: 2, text: `${head} simulate ${json(d, 200)}` };
    case 'note':
      return { id: e.id, priority: 2, text: `${head} note ${json(d, 200)}` };
    default:
      return e.level === 'error' ? { id: e.id, priority: 0, text: `${head} ${e.kind} ERROR ${json(d, 300)}` } : undefined;
  }
}

function render(lines: Line[], kept: Set<Line>): string {
  const out: string[] = [];
  let skipped = 0;
  for (const l of lines) {
    if (kept.has(l)) {
      if (skipped > 0) out.push(`… ${skipped} less relevant entries omitted`);
      skipped = 0;
      out.push(l.text);
    } else skipped++;
  }
  if (skipped > 0) out.push(`… ${skipped} less relevant entries omitted`);
  return out.join('\n');
}

/** Keep the most important lines within the budget, in chronological order, marking gaps. */
function fit(lines: Line[], budget: number): string {
  const order = [...lines].sort((a, b) => a.priority - b.priority || a.id - b.id);
  const kept: Line[] = [];
  let size = 0;
  for (const l of order) {
    if (size + l.text.length + 1 > budget) continue;
    kept.push(l);
    size += l.text.length + 1;
  }
  // Gap markers take room too: drop the least important kept lines until it fits.
  const set = new Set(kept);
  let text = render(lines, set);
  while (text.length > budget && kept.length > 0) {
    set.delete(kept.pop()!);
    text = render(lines, set);
  }
  return text;
}

export function traceExcerpt(capture: RunCapture, budget = TRACE_BUDGET): string {
  const lines: Line[] = [];
  let seq = 0;
  for (const m of Object.values(capture.mirrors)) {
    for (const e of m.trace ?? []) {
      const line = traceLine(m.displayName, e);
      if (line) lines.push({ ...line, id: Date.parse(e.at) * 1000 + (seq++ % 1000) });
    }
  }
  lines.sort((a, b) => a.id - b.id);
  for (const l of capture.logs ?? []) if (l.level === 'error' || l.level === 'warn') lines.push({ id: Number.MAX_SAFE_INTEGER - 2, priority: 0, text: `[driver] ${l.level.toUpperCase()} ${clip(l.message, BODY_LIMIT)}` });
  if (capture.error) lines.push({ id: Number.MAX_SAFE_INTEGER - 1, priority: 0, text: `[driver] threw: ${clip(capture.error.message, BODY_LIMIT)}` });
  if (capture.timedOut) lines.push({ id: Number.MAX_SAFE_INTEGER, priority: 0, text: `[run] timed out after ${capture.durationMs} ms` });
  if (lines.length === 0) return '(no traffic recorded during the run)';
  return fit(lines, budget);
}

function mirrorState(m: MirrorCapture, budget: number): string {
  const out: string[] = [];
  const entities = Object.keys(m.after ?? {}).filter((e) => e !== '_timers');
  const summary = entities.map((entity) => {
    const created = createdRows(m, entity).length;
    const changed = changedRows(m, entity).length;
    return `${entity}: ${rowsOf(m.after, entity).length} rows (${created} created, ${changed} changed during the run)`;
  });
  out.push(`[${m.displayName}] ${summary.join('; ')}`);
  let size = out[0].length;
  const push = (line: string) => {
    if (size + line.length + 1 > budget) return false;
    out.push(line);
    size += line.length + 1;
    return true;
  };
  const sections: Array<{ title: string; rows: Array<[string, Row]> }> = [
    { title: 'created during the run', rows: entities.flatMap((e) => createdRows(m, e).map((r) => [e, r] as [string, Row])) },
    { title: 'changed during the run', rows: entities.flatMap((e) => changedRows(m, e).map((r) => [e, r] as [string, Row])) },
  ];
  for (const s of sections) {
    if (s.rows.length === 0) continue;
    if (!push(`${s.title}:`)) break;
    let shown = 0;
    for (const [entity, row] of s.rows) {
      if (!push(`  ${entity} ${rowId(row)}: ${json(row, ROW_LIMIT)}`)) break;
      shown++;
    }
    if (shown < s.rows.length) out.push(`  … ${s.rows.length - shown} more ${s.title}`);
  }
  return out.join('\n');
}

export function stateSummary(capture: RunCapture, budget = STATE_BUDGET): string {
  const mirrors = Object.values(capture.mirrors);
  if (mirrors.length === 0) return '(no mirrors)';
  const per = Math.floor(budget / mirrors.length);
  return mirrors.map((m) => mirrorState(m, per)).join('\n\n');
}

export function outputExcerpt(output: unknown, budget = OUTPUT_BUDGET): string | undefined {
  if (output === undefined || output === null) return undefined;
  const text = typeof output === 'string' ? output : JSON.stringify(redact(output), null, 2);
  return text === undefined ? undefined : clip(text, budget);
}

/** Everything the judge sees for one criterion of one run. */
export function buildJudgeInput(criterion: Criterion | string, capture: RunCapture, model: string): JudgeInput {
  const text = typeof criterion === 'string' ? criterion : criterion.text;
  const s = capture.scenario;
  const scenario: JudgeInput['scenario'] = { title: s.title };
  if (s.setup) scenario.setup = s.setup;
  if (s.prompt) scenario.prompt = s.prompt;
  if (s.expectedBehavior) scenario.expectedBehavior = s.expectedBehavior;
  const input: JudgeInput = { criterion: text, scenario, trace: traceExcerpt(capture), state: stateSummary(capture), model };
  const output = outputExcerpt(capture.output);
  if (output !== undefined) input.output = output;
  return input;
}
