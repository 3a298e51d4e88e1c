/**
 * The fixed judge prompt (spec §2.2): scenario context, expected behavior, the criterion,
 * trace and state excerpts, and a JSON-only answer `{"result":"pass"|"fail","explanation":"…"}`.
 */
import type { JudgeInput } from '../types.js';

export const JUDGE_SYSTEM_PROMPT = [
  'You are a strict, fair grader of one success criterion of a software integration test.',
  'An app (the "driver") ran against stateful mirrors of vendor APIs. You get the scenario, the',
  'expected behavior, the criterion, excerpts of the session trace and of the final mirror state.',
  'Judge only the criterion, using only the evidence given; when the evidence does not show that',
  'the criterion holds, the result is "fail".',
  'Answer with one JSON object and nothing else:',
  '{"result": "pass" | "fail", "explanation": "<one sentence; on fail, say what is missing or wrong>"}',
].join('\n');

function section(title: string, body: string | undefined): string {
  return body && body.trim() ? `## ${title}\n${body.trim()}\n` : '';
}

export function renderJudgePrompt(input: JudgeInput): { system: string; user: string } {
  const s = input.scenario;
  const user = [
    section('Scenario', s.title),
    section('Scenario context', s.setup),
    section('Task given to the driver', s.prompt),
    section('Expected behavior', s.expectedBehavior),
    section('Criterion to grade', input.criterion),
    section('Session trace (relevant excerpts)', input.trace),
    section('Final state (relevant excerpts)', input.state),
    section('Driver output', input.output),
    'Grade the criterion. Respond with JSON only: {"result": "pass" | "fail", "explanation": "..."}',
  ]
    .filter(Boolean)
    .join('\n');
  return { system: JUDGE_SYSTEM_PROMPT, user };
}
