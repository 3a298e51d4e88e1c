/**
 * `/_mirra/simulate` events. Each runs the state change the real event implies (the email's
 * `last_event`, the domain's status) and then its webhook, through the same code as the
 * API and timer paths.
 */
import type { SimulateEvent } from '../core/definition.js';
import type { SessionContext } from '../core/context.js';
import type { DomainRow, EmailRow } from './types.js';
import { fail, missingField, notFound } from './errors.js';
import { applyEmailEvent, type EmailEventFields } from './delivery.js';
import { VERIFY_TIMER, setDomainStatus } from './routes/domains.js';

function loadEmail(ctx: SessionContext, fields: Record<string, unknown>): EmailRow {
  const id = fields.emailId ?? fields.email_id;
  if (typeof id !== 'string' || id === '') missingField('emailId');
  const email = ctx.db.get<EmailRow>('emails', id as string);
  if (!email) notFound('Email');
  if (email!.last_event === 'scheduled' || email!.last_event === 'canceled' || email!.last_event === 'queued') {
    fail(422, 'validation_error', `Email with id \`${email!.id}\` has not been sent (last_event: ${email!.last_event}).`);
  }
  return email!;
}

function emailEvent(type: string, description: string, extraFields: string[] = []): SimulateEvent {
  return {
    description,
    fields: ['emailId', ...extraFields],
    handler(ctx, fields) {
      const email = loadEmail(ctx, fields);
      const row = applyEmailEvent(ctx, email, type, fields as EmailEventFields);
      return { emailId: row.id, last_event: row.last_event };
    },
  };
}

function domainEvent(status: 'verified' | 'failed'): SimulateEvent {
  return {
    description: `The domain's DNS check ends ${status}: status and records become \`${status}\`; emits domain.updated.`,
    fields: ['domainId'],
    handler(ctx, fields) {
      const id = fields.domainId ?? fields.domain_id;
      if (typeof id !== 'string' || id === '') missingField('domainId');
      const domain = ctx.db.get<DomainRow>('domains', id as string) ?? ctx.db.find<DomainRow>('domains', { name: id as string });
      if (!domain) notFound('Domain');
      for (const t of ctx.timers.pending(VERIFY_TIMER)) if ((t.payload as { domainId?: string })?.domainId === domain!.id) ctx.timers.cancel(t.id);
      const row = setDomainStatus(ctx, domain!, status);
      return { domainId: row.id, status: row.status };
    },
  };
}

export const simulateEvents: Record<string, SimulateEvent> = {
  'email.delivered': emailEvent('email.delivered', 'Deliver the email now: last_event `delivered`; emits email.delivered.'),
  'email.bounced': emailEvent('email.bounced', 'Bounce the email (`bounce: { type: hard|soft, reason }`): last_event `bounced`; emits email.bounced.', ['bounce']),
  'email.complained': emailEvent('email.complained', 'The recipient marks it as spam: last_event `complained`; emits email.complained.'),
  'email.opened': emailEvent('email.opened', 'The recipient opens it: last_event `opened`; emits email.opened.'),
  'email.clicked': emailEvent('email.clicked', 'The recipient clicks `link`: last_event `clicked`; emits email.clicked.', ['link', 'ipAddress', 'userAgent']),
  'email.delivery_delayed': emailEvent(
    'email.delivery_delayed',
    'Delivery is delayed downstream: last_event `delivery_delayed`; emits email.delivery_delayed; delivery is retried after `delaySeconds` (default 300).',
    ['delaySeconds'],
  ),
  'email.failed': emailEvent('email.failed', 'Sending fails (`reason`): last_event `failed`; emits email.failed.', ['reason']),
  'email.suppressed': emailEvent('email.suppressed', 'The recipient is on the suppression list: last_event `suppressed`; emits email.suppressed.'),
  'domain.verified': domainEvent('verified'),
  'domain.failed': domainEvent('failed'),
};
