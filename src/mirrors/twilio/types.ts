/**
 * Rows as stored in the session database (`GET /_mirra/state`). Each row is the vendor
 * object plus a few mirror fields (`id` = the SID, and the ones marked "mirror"), which the
 * renderers in `render.ts` leave out of API responses.
 */

export type MessageStatus =
  | 'accepted'
  | 'scheduled'
  | 'canceled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'delivered'
  | 'undelivered'
  | 'receiving'
  | 'received';

export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = ['canceled', 'failed', 'delivered', 'undelivered', 'received'];

export interface MessageRow {
  [key: string]: unknown;
  id: string;
  sid: string;
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  direction: 'outbound-api' | 'inbound' | 'outbound-reply';
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  to: string;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string;
  status: MessageStatus;
  /** mirror: the MediaUrl values sent. */
  media_urls: string[];
  /** mirror: the StatusCallback URL (the message's, else its messaging service's). */
  status_callback: string | null;
  /** mirror: `api` (Messages resource), `verify` (a Verify code; not listed by the Messages API), `inbound`. */
  source: 'api' | 'verify' | 'inbound';
  /** mirror: ISO `SendAt` of a scheduled message. */
  send_at: string | null;
}

export interface PhoneNumberRow {
  [key: string]: unknown;
  id: string;
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
  sms_url: string;
  sms_method: string;
  sms_fallback_url: string;
  sms_fallback_method: string;
  voice_url: string | null;
  voice_method: string;
  status_callback: string;
  status_callback_method: string;
  iso_country: string;
  date_created: string;
  date_updated: string;
  /** The messaging service whose sender pool holds this number, if any. */
  messaging_service_sid: string | null;
  /** Time it joined the sender pool (v1 ISO). */
  pool_date_added: string | null;
}

export interface MessagingServiceRow {
  [key: string]: unknown;
  id: string;
  sid: string;
  account_sid: string;
  friendly_name: string;
  inbound_request_url: string | null;
  inbound_method: string;
  fallback_url: string | null;
  fallback_method: string;
  status_callback: string | null;
  sticky_sender: boolean;
  smart_encoding: boolean;
  mms_converter: boolean;
  fallback_to_long_code: boolean;
  area_code_geomatch: boolean;
  validity_period: number;
  scan_message_content: string;
  synchronous_validation: boolean;
  usecase: string;
  us_app_to_person_registered: boolean;
  use_inbound_webhook_on_number: boolean;
  date_created: string;
  date_updated: string;
}

export interface VerifyServiceRow {
  [key: string]: unknown;
  id: string;
  sid: string;
  account_sid: string;
  friendly_name: string;
  code_length: number;
  lookup_enabled: boolean;
  psd2_enabled: boolean;
  skip_sms_to_landlines: boolean;
  dtmf_input_required: boolean;
  tts_name: string | null;
  do_not_share_warning_enabled: boolean;
  custom_code_enabled: boolean;
  date_created: string;
  date_updated: string;
}

export type VerificationStatus = 'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'deleted' | 'failed' | 'expired';

export interface SendCodeAttempt {
  attempt_sid: string;
  channel: string;
  time: string;
}

export interface VerificationRow {
  [key: string]: unknown;
  id: string;
  sid: string;
  service_sid: string;
  account_sid: string;
  to: string;
  channel: 'sms' | 'call' | 'email' | 'whatsapp';
  status: VerificationStatus;
  valid: boolean;
  date_created: string;
  date_updated: string;
  send_code_attempts: SendCodeAttempt[];
  /** mirror: the one-time code (read it in tests from `GET /_mirra/state`). */
  code: string;
  /** mirror: wrong codes checked so far. */
  check_attempts: number;
  /** mirror: session-clock ms after which the code is expired. */
  expires_at: string;
  /** mirror: the SMS message carrying the code (channel sms). */
  message_sids: string[];
}
