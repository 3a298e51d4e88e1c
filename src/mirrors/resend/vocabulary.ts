/**
 * The mirror's nouns and fields for the deterministic check grammar, evaluated against
 * `GET /_mirra/state` (keys of `entity` are state tables; field values are JSON paths in a
 * row). "Exactly 1 email is created in the Resend mirror", "The email's `from` address is
 * `hello@mail.acme.com`", "The email's `to` includes `alice@example.com`".
 */
import type { VocabularyNoun } from '../core/definition.js';

export const vocabulary: Record<string, VocabularyNoun> = {
  email: {
    entity: 'emails',
    plural: 'emails',
    aliases: ['message', 'transactional email'],
    fields: {
      id: 'id',
      from: 'from',
      to: 'to',
      cc: 'cc',
      bcc: 'bcc',
      'reply-to': 'reply_to',
      reply_to: 'reply_to',
      subject: 'subject',
      html: 'html',
      text: 'text',
      body: 'html',
      status: 'last_event',
      'last event': 'last_event',
      last_event: 'last_event',
      tags: 'tags',
      headers: 'headers',
      attachments: 'attachments',
      'scheduled at': 'scheduled_at',
      scheduled_at: 'scheduled_at',
      'created at': 'created_at',
      created_at: 'created_at',
    },
    status: {
      field: 'last_event',
      values: ['queued', 'scheduled', 'sent', 'delivered', 'delivery_delayed', 'opened', 'clicked', 'bounced', 'complained', 'failed', 'canceled', 'suppressed'],
    },
  },
  domain: {
    entity: 'domains',
    plural: 'domains',
    aliases: ['sending domain'],
    fields: { id: 'id', name: 'name', status: 'status', region: 'region', records: 'records', 'open tracking': 'open_tracking', 'click tracking': 'click_tracking', created_at: 'created_at' },
    status: { field: 'status', values: ['not_started', 'pending', 'verified', 'failed', 'partially_verified', 'partially_failed'] },
  },
  contact: {
    entity: 'contacts',
    plural: 'contacts',
    aliases: ['subscriber', 'recipient'],
    fields: {
      id: 'id',
      email: 'email',
      'first name': 'first_name',
      first_name: 'first_name',
      'last name': 'last_name',
      last_name: 'last_name',
      unsubscribed: 'unsubscribed',
      properties: 'properties',
      segments: 'segment_ids',
      audiences: 'segment_ids',
      created_at: 'created_at',
    },
  },
  audience: {
    entity: 'audiences',
    plural: 'audiences',
    aliases: ['segment', 'list', 'mailing list'],
    fields: { id: 'id', name: 'name', created_at: 'created_at' },
  },
  broadcast: {
    entity: 'broadcasts',
    plural: 'broadcasts',
    aliases: ['campaign', 'newsletter'],
    fields: {
      id: 'id',
      name: 'name',
      from: 'from',
      subject: 'subject',
      status: 'status',
      segment: 'segment_id',
      audience: 'audience_id',
      'scheduled at': 'scheduled_at',
      'sent at': 'sent_at',
      html: 'html',
      text: 'text',
    },
    status: { field: 'status', values: ['draft', 'queued', 'sent'] },
  },
  'api key': {
    entity: 'api_keys',
    plural: 'api keys',
    aliases: ['key'],
    fields: { id: 'id', name: 'name', permission: 'permission', domain: 'domain_id', created_at: 'created_at' },
  },
  webhook: {
    entity: '_webhook_endpoints',
    plural: 'webhooks',
    aliases: ['webhook endpoint', 'endpoint'],
    fields: { id: 'id', endpoint: 'url', url: 'url', events: 'events', enabled: 'enabled' },
  },
};
