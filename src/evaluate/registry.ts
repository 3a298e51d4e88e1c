/**
 * `defineCheck(expression, fn)`: user-defined check patterns, tried before the built-in
 * grammar (like Cucumber step definitions). `fn` receives a context over the capture and
 * the expression's arguments; it returns `true`/`false`, `{ pass, message }` or nothing
 * (pass), and a thrown error is a failure with that error's message.
 */
import type { CheckOutcome, MirrorCapture, RunCapture, SignatureVerification, TraceEntry, WebhookAttempt } from './types.js';
import { compileExpression, matchExpression, type CompiledExpression, type ExpressionArgs } from './expression.js';
import { changedRows, createdRows, mirrorList, resolveNoun, rowsOf, type Row } from './capture-view.js';

export interface CheckContext {
  capture: RunCapture;
  /** The criterion text as written. */
  text: string;
  /** The run's first mirror (the only one in most scenarios). */
  mirror: MirrorCapture | undefined;
  mirrors: Record<string, MirrorCapture>;
  /** State after the run: `state('resend').emails`. Vendor optional with one mirror. */
  state(vendor?: string): Record<string, unknown[]>;
  /** State before the run (after seeding). */
  before(vendor?: string): Record<string, unknown[]>;
  /** Rows after the run: `rows('resend', 'emails')`, `rows('emails')`, `rows('email')`. */
  rows(vendorOrEntity: string, entity?: string): Row[];
  /** Rows the run created (in `after`, not in `before`). */
  created(vendorOrEntity: string, entity?: string): Row[];
  /** Rows present before and after whose content changed. */
  changed(vendorOrEntity: string, entity?: string): Row[];
  /** Webhook attempts of every mirror, oldest first. */
  webhooks: WebhookAttempt[];
  verifications: SignatureVerification[];
  /** Trace entries of every mirror, each with its `vendor`. */
  trace: Array<TraceEntry & { vendor: string }>;
}

export type CheckReturn = boolean | { pass: boolean; message?: string } | void | undefined;
export type CheckFn<Args extends unknown[] = any[]> = (ctx: CheckContext, ...args: Args) => CheckReturn;

export interface CheckDefinition {
  expression: string;
  compiled: CompiledExpression;
  fn: CheckFn;
}

export interface CheckRegistry {
  define<E extends string>(expression: E, fn: CheckFn<ExpressionArgs<E>>): CheckDefinition;
  /** The first definition matching the text, with its arguments. */
  match(text: string): { definition: CheckDefinition; args: unknown[] } | undefined;
  /** Evaluate a matching definition; undefined when none matches. */
  evaluate(text: string, capture: RunCapture): CheckOutcome | undefined;
  list(): CheckDefinition[];
  clear(): void;
}

function pickMirror(capture: RunCapture, vendor: string | undefined): MirrorCapture {
  const mirrors = mirrorList(capture);
  if (vendor === undefined) {
    if (mirrors.length === 1) return mirrors[0];
    throw new Error(`this run has ${mirrors.length} mirrors (${Object.keys(capture.mirrors).join(', ')}); name the vendor`);
  }
  const m = capture.mirrors[vendor] ?? mirrors.find((x) => x.vendor === vendor || x.displayName.toLowerCase() === vendor.toLowerCase());
  if (!m) throw new Error(`the ${vendor} mirror is not part of this run (mirrors: ${Object.keys(capture.mirrors).join(', ') || 'none'})`);
  return m;
}

/** Resolve `(vendor, entity)` or `(entityOrNoun)` to a mirror and a state table. */
function locate(capture: RunCapture, a: string, b?: string): { mirror: MirrorCapture; entity: string } {
  const entityIn = (mirror: MirrorCapture, word: string): string | undefined => {
    if (word in (mirror.after ?? {}) || word in (mirror.before ?? {})) return word;
    const noun = resolveNoun({ ...capture, mirrors: { [mirror.vendor]: mirror } }, word);
    return noun?.refs[0]?.noun.entity;
  };
  if (b !== undefined) {
    const mirror = pickMirror(capture, a);
    const entity = entityIn(mirror, b);
    if (!entity) throw new Error(`the ${mirror.displayName} mirror has no entity or noun '${b}' (entities: ${Object.keys(mirror.after ?? {}).join(', ')})`);
    return { mirror, entity };
  }
  for (const mirror of mirrorList(capture)) {
    const entity = entityIn(mirror, a);
    if (entity) return { mirror, entity };
  }
  const known = mirrorList(capture).map((m) => `${m.vendor}: ${Object.keys(m.after ?? {}).join(', ')}`);
  throw new Error(`no mirror in this run has an entity or noun '${a}' (${known.join('; ') || 'no mirrors'})`);
}

export function checkContext(capture: RunCapture, text: string): CheckContext {
  const mirrors = mirrorList(capture);
  return {
    capture,
    text,
    mirror: mirrors[0],
    mirrors: capture.mirrors,
    state: (vendor) => pickMirror(capture, vendor).after ?? {},
    before: (vendor) => pickMirror(capture, vendor).before ?? {},
    rows: (a, b) => {
      const { mirror, entity } = locate(capture, a, b);
      return rowsOf(mirror.after, entity);
    },
    created: (a, b) => {
      const { mirror, entity } = locate(capture, a, b);
      return createdRows(mirror, entity);
    },
    changed: (a, b) => {
      const { mirror, entity } = locate(capture, a, b);
      return changedRows(mirror, entity);
    },
    webhooks: mirrors.flatMap((m) => m.webhooks ?? []),
    verifications: mirrors.flatMap((m) => m.verifications ?? []),
    trace: Object.entries(capture.mirrors).flatMap(([vendor, m]) => (m.trace ?? []).map((e) => ({ ...e, vendor }))),
  };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Run a user check; every way it can end becomes a CheckOutcome. */
export function runDefinition(definition: CheckDefinition, args: unknown[], capture: RunCapture, text: string): CheckOutcome {
  const pattern = `defineCheck: ${definition.expression}`;
  let result: unknown;
  try {
    result = definition.fn(checkContext(capture, text), ...args);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 'fail', pattern, message };
  }
  if (isThenable(result)) {
    return {
      status: 'fail',
      pattern,
      message: `the check for '${definition.expression}' returned a Promise; defineCheck functions are synchronous (read everything from the capture)`,
    };
  }
  if (result === undefined || result === true) return { status: 'pass', pattern, message: `passed: ${definition.expression}` };
  if (result === false) return { status: 'fail', pattern, message: `the check for '${definition.expression}' returned false` };
  if (typeof result === 'object' && result !== null && typeof (result as { pass?: unknown }).pass === 'boolean') {
    const r = result as { pass: boolean; message?: string };
    const message = r.message ?? (r.pass ? `passed: ${definition.expression}` : `the check for '${definition.expression}' failed`);
    return r.pass ? { status: 'pass', pattern, message } : { status: 'fail', pattern, message };
  }
  return {
    status: 'fail',
    pattern,
    message: `the check for '${definition.expression}' returned ${JSON.stringify(result)}; return true/false, { pass, message } or nothing`,
  };
}

export function createCheckRegistry(): CheckRegistry {
  const definitions: CheckDefinition[] = [];
  const registry: CheckRegistry = {
    define(expression, fn) {
      const compiled = compileExpression(expression);
      // Redefining an expression replaces it (watch-mode reruns re-import setup files).
      const existing = definitions.findIndex((d) => d.expression === expression);
      const definition: CheckDefinition = { expression, compiled, fn: fn as CheckFn };
      if (existing >= 0) definitions[existing] = definition;
      else definitions.push(definition);
      return definition;
    },
    match(text) {
      for (const definition of definitions) {
        const args = matchExpression(definition.compiled, text);
        if (args) return { definition, args };
      }
      return undefined;
    },
    evaluate(text, capture) {
      const m = registry.match(text);
      return m ? runDefinition(m.definition, m.args, capture, text) : undefined;
    },
    list: () => [...definitions],
    clear() {
      definitions.length = 0;
    },
  };
  return registry;
}

const GLOBAL = Symbol.for('mirra.evaluate.defaultCheckRegistry');

/** The process-wide registry `defineCheck` writes to (shared across module copies). */
export const defaultCheckRegistry: CheckRegistry = ((globalThis as { [GLOBAL]?: CheckRegistry })[GLOBAL] ??= createCheckRegistry());

/** Define a check on the default registry: `defineCheck('Exactly {int} refund(s) exist(s) for {string}', (ctx, n, id) => …)`. */
export function defineCheck<E extends string>(expression: E, fn: CheckFn<ExpressionArgs<E>>): CheckDefinition {
  return defaultCheckRegistry.define(expression, fn);
}
