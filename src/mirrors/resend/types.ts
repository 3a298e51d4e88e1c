/** Stored rows: the objects as Resend's API returns them (plus a few fields noted inline). */

export type LastEvent =
  | 'queued'
  | 'scheduled'
  | 'sent'
  | 'delivered'
  | 'delivery_delayed'
  | 'opened'
  | 'clicked'
  | 'bounced'
  | 'complained'
  | 'failed'
  | 'canceled'
  | 'suppressed';

export interface Tag {
  name: string;
  value: string;
}

export interface AttachmentMeta {
  filename: string | null;
  content_type: string | null;
  content_id: string | null;
  /** Decoded bytes of `content`, or null for `path` attachments. */
  size: number | null;
  path: string | null;
}

export interface EmailRow {
  [key: string]: unknown;
  object: 'email';
  id: string;
  from: string;
  to: string[];
  cc: string[] | null;
  bcc: string[] | null;
  reply_to: string[] | null;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: string;
  scheduled_at: string | null;
  last_event: LastEvent;
  message_id: string;
  tags: Tag[];
  /** Not returned by GET: kept for checks (custom headers, attachment metadata, broadcast). */
  headers: Record<string, string> | null;
  attachments: AttachmentMeta[];
  topic_id: string | null;
  broadcast_id: string | null;
}

export type DomainStatus = 'not_started' | 'pending' | 'verified' | 'failed' | 'partially_verified' | 'partially_failed';

export interface DomainRecord {
  record: string;
  name: string;
  type: string;
  ttl: string;
  status: string;
  value: string;
  priority?: number;
}

export interface DomainRow {
  [key: string]: unknown;
  object: 'domain';
  id: string;
  name: string;
  status: DomainStatus;
  created_at: string;
  region: string;
  capabilities: { sending: 'enabled' | 'disabled'; receiving: 'enabled' | 'disabled' };
  open_tracking: boolean;
  click_tracking: boolean;
  tls: 'opportunistic' | 'enforced';
  tracking_subdomain?: string | null;
  custom_return_path: string;
  records: DomainRecord[];
}

export interface ContactRow {
  [key: string]: unknown;
  object: 'contact';
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  unsubscribed: boolean;
  properties: Record<string, unknown>;
  /** Membership (the `segment_ids` of contact webhooks). */
  segment_ids: string[];
  updated_at: string;
}

export interface AudienceRow {
  [key: string]: unknown;
  id: string;
  name: string;
  created_at: string;
}

export interface BroadcastRow {
  [key: string]: unknown;
  object: 'broadcast';
  id: string;
  name: string;
  segment_id: string | null;
  audience_id: string | null;
  from: string | null;
  subject: string | null;
  reply_to: string[] | null;
  preview_text: string | null;
  status: 'draft' | 'queued' | 'sent';
  created_at: string;
  scheduled_at: string | null;
  sent_at: string | null;
  topic_id: string | null;
  html: string | null;
  text: string | null;
}

export interface ApiKeyRow {
  [key: string]: unknown;
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  permission: 'full_access' | 'sending_access';
  domain_id: string | null;
  /** Not returned after creation; kept so the session key can be recognised. */
  token: string;
}
