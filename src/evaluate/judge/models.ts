/**
 * `judge-model:` of a scenario → the provider's model id. Same-provider names pass
 * through (Anthropic accepts the `claude-haiku-4-5` / `claude-sonnet-4-6` aliases); a
 * model of the other provider maps to the same tier (small ↔ small, large ↔ large). An
 * evaluator's explicit `model` option always wins.
 */
export const DEFAULT_JUDGE_MODEL = 'claude-haiku-4-5';

const ANTHROPIC: Record<string, string> = {
  'claude-haiku-4-5': 'claude-haiku-4-5',
  'claude-sonnet-4-6': 'claude-sonnet-4-6',
  'gpt-4o-mini': 'claude-haiku-4-5',
  'gpt-4o': 'claude-sonnet-4-6',
};

const OPENAI: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini',
  'gpt-4o': 'gpt-4o',
  'claude-haiku-4-5': 'gpt-4o-mini',
  'claude-sonnet-4-6': 'gpt-4o',
};

export function anthropicModel(judgeModel: string | undefined): string {
  const m = (judgeModel ?? '').trim();
  if (m === '') return ANTHROPIC[DEFAULT_JUDGE_MODEL];
  if (ANTHROPIC[m]) return ANTHROPIC[m];
  return m.startsWith('claude') ? m : ANTHROPIC[DEFAULT_JUDGE_MODEL];
}

export function openaiModel(judgeModel: string | undefined): string {
  const m = (judgeModel ?? '').trim();
  if (m === '') return OPENAI[DEFAULT_JUDGE_MODEL];
  if (OPENAI[m]) return OPENAI[m];
  return /^(gpt|o\d|chatgpt)/.test(m) ? m : 'gpt-4o-mini';
}
