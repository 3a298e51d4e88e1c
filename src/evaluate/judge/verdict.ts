/**
 * Reading the judge's answer: JSON `{"result":"pass"|"fail","explanation":"…"}`, tolerant
 * of code fences, surrounding prose, `pass: true|false`, `reason` for `explanation`, and an
 * optional 0..1 `score`. Anything else is a MirraJudgeError — never a pass.
 */
import type { JudgeVerdict } from '../types.js';
import { MirraJudgeError, bodyExcerpt } from './errors.js';

function candidates(text: string): string[] {
  const out: string[] = [];
  const fence = /```(?:json)?\s*([\s\S]*?)```/gi;
  for (let m = fence.exec(text); m; m = fence.exec(text)) out.push(m[1].trim());
  out.push(text.trim());
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) out.push(text.slice(start, end + 1));
  return out;
}

/** `label` names the API in messages (`Anthropic`); `evaluator` is the evaluator's name. */
export function parseVerdict(text: string, label: string, evaluator = label.toLowerCase()): JudgeVerdict {
  for (const c of candidates(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c);
    } catch {
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
    const o = parsed as Record<string, unknown>;
    let pass: boolean | undefined;
    const result = typeof o.result === 'string' ? o.result.trim().toLowerCase() : undefined;
    if (result === 'pass' || result === 'passed') pass = true;
    else if (result === 'fail' || result === 'failed') pass = false;
    else if (typeof o.pass === 'boolean') pass = o.pass;
    if (pass === undefined) continue;
    const explanation = typeof o.explanation === 'string' ? o.explanation : typeof o.reason === 'string' ? o.reason : '';
    const verdict: JudgeVerdict = { pass, explanation: explanation.trim() };
    if (typeof o.score === 'number' && o.score >= 0 && o.score <= 1) verdict.score = o.score;
    return verdict;
  }
  throw new MirraJudgeError(`${label} judge returned no verdict (expected JSON {"result":"pass"|"fail","explanation":"..."}): ${bodyExcerpt(text) || '(empty)'}`, {
    evaluator,
    body: bodyExcerpt(text),
  });
}
