/** API shapes built from stored rows: exactly the vendor's fields, none of the mirror's. */
import { API_VERSION, MESSAGING_HOST, VERIFY_HOST } from './format.js';
import type { MessageRow, MessagingServiceRow, PhoneNumberRow, VerificationRow, VerifyServiceRow } from './types.js';

const accountBase = (accountSid: string) => `/${API_VERSION}/Accounts/${accountSid}`;

export function renderMessage(m: MessageRow): Record<string, unknown> {
  const uri = `${accountBase(m.account_sid)}/Messages/${m.sid}.json`;
  return {
    account_sid: m.account_sid,
    api_version: m.api_version,
    body: m.body,
    date_created: m.date_created,
    date_sent: m.date_sent,
    date_updated: m.date_updated,
    direction: m.direction,
    error_code: m.error_code,
    error_message: m.error_message,
    from: m.from,
    messaging_service_sid: m.messaging_service_sid,
    num_media: m.num_media,
    num_segments: m.num_segments,
    price: m.price,
    price_unit: m.price_unit,
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${accountBase(m.account_sid)}/Messages/${m.sid}/Media.json`, feedback: `${accountBase(m.account_sid)}/Messages/${m.sid}/Feedback.json` },
    to: m.to,
    uri,
  };
}

export function renderIncomingNumber(n: PhoneNumberRow): Record<string, unknown> {
  const uri = `${accountBase(n.account_sid)}/IncomingPhoneNumbers/${n.sid}.json`;
  return {
    account_sid: n.account_sid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    capabilities: n.capabilities,
    date_created: n.date_created,
    date_updated: n.date_updated,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    friendly_name: n.friendly_name,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phone_number,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: n.sms_fallback_method,
    sms_fallback_url: n.sms_fallback_url,
    sms_method: n.sms_method,
    sms_url: n.sms_url,
    status_callback: n.status_callback,
    status_callback_method: n.status_callback_method,
    trunk_sid: null,
    uri,
    voice_receive_mode: 'voice',
    voice_application_sid: '',
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: n.voice_method,
    voice_url: n.voice_url,
    bundle_sid: null,
    status: 'in-use',
    subresource_uris: { assigned_add_ons: `${accountBase(n.account_sid)}/IncomingPhoneNumbers/${n.sid}/AssignedAddOns.json` },
  };
}

export function renderMessagingService(s: MessagingServiceRow): Record<string, unknown> {
  const url = `${MESSAGING_HOST}/v1/Services/${s.sid}`;
  return {
    account_sid: s.account_sid,
    sid: s.sid,
    date_created: s.date_created,
    date_updated: s.date_updated,
    friendly_name: s.friendly_name,
    inbound_request_url: s.inbound_request_url,
    inbound_method: s.inbound_method,
    fallback_url: s.fallback_url,
    fallback_method: s.fallback_method,
    status_callback: s.status_callback,
    sticky_sender: s.sticky_sender,
    smart_encoding: s.smart_encoding,
    mms_converter: s.mms_converter,
    fallback_to_long_code: s.fallback_to_long_code,
    scan_message_content: s.scan_message_content,
    area_code_geomatch: s.area_code_geomatch,
    validity_period: s.validity_period,
    synchronous_validation: s.synchronous_validation,
    usecase: s.usecase,
    us_app_to_person_registered: s.us_app_to_person_registered,
    use_inbound_webhook_on_number: s.use_inbound_webhook_on_number,
    links: {
      phone_numbers: `${url}/PhoneNumbers`,
      short_codes: `${url}/ShortCodes`,
      alpha_senders: `${url}/AlphaSenders`,
      messages: `${url}/Messages`,
      us_app_to_person: `${url}/Compliance/Usa2p`,
      us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
      channel_senders: `${url}/ChannelSenders`,
    },
    url,
  };
}

const capabilityList = (c: PhoneNumberRow['capabilities']): string[] => [c.mms && 'MMS', c.sms && 'SMS', c.voice && 'Voice'].filter((x): x is string => Boolean(x));

export function renderServicePhoneNumber(n: PhoneNumberRow, serviceSid: string): Record<string, unknown> {
  return {
    sid: n.sid,
    account_sid: n.account_sid,
    service_sid: serviceSid,
    date_created: n.pool_date_added ?? n.date_created,
    date_updated: n.pool_date_added ?? n.date_updated,
    phone_number: n.phone_number,
    country_code: n.iso_country,
    capabilities: capabilityList(n.capabilities),
    url: `${MESSAGING_HOST}/v1/Services/${serviceSid}/PhoneNumbers/${n.sid}`,
  };
}

export function renderVerifyService(s: VerifyServiceRow): Record<string, unknown> {
  const url = `${VERIFY_HOST}/v2/Services/${s.sid}`;
  return {
    sid: s.sid,
    account_sid: s.account_sid,
    friendly_name: s.friendly_name,
    code_length: s.code_length,
    lookup_enabled: s.lookup_enabled,
    psd2_enabled: s.psd2_enabled,
    skip_sms_to_landlines: s.skip_sms_to_landlines,
    dtmf_input_required: s.dtmf_input_required,
    tts_name: s.tts_name,
    mailer_sid: null,
    do_not_share_warning_enabled: s.do_not_share_warning_enabled,
    custom_code_enabled: s.custom_code_enabled,
    push: { notify_service_sid: null, include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
    totp: { issuer: null, time_step: 30, code_length: 6, skew: 1 },
    whatsapp: { msg_service_sid: null, from: null },
    default_template_sid: null,
    verify_event_subscription_enabled: false,
    date_created: s.date_created,
    date_updated: s.date_updated,
    url,
    links: {
      verification_checks: `${url}/VerificationCheck`,
      verifications: `${url}/Verifications`,
      rate_limits: `${url}/RateLimits`,
      messaging_configurations: `${url}/MessagingConfigurations`,
      entities: `${url}/Entities`,
      webhooks: `${url}/Webhooks`,
      access_tokens: `${url}/AccessTokens`,
    },
  };
}

export function renderVerification(v: VerificationRow): Record<string, unknown> {
  return {
    sid: v.sid,
    service_sid: v.service_sid,
    account_sid: v.account_sid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.valid,
    lookup: { carrier: null },
    amount: null,
    payee: null,
    send_code_attempts: v.send_code_attempts,
    date_created: v.date_created,
    date_updated: v.date_updated,
    sna: null,
    url: `${VERIFY_HOST}/v2/Services/${v.service_sid}/Verifications/${v.sid}`,
  };
}

export function renderVerificationCheck(v: VerificationRow): Record<string, unknown> {
  return {
    sid: v.sid,
    service_sid: v.service_sid,
    account_sid: v.account_sid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.valid,
    amount: null,
    payee: null,
    sna_attempts_error_codes: [],
    date_created: v.date_created,
    date_updated: v.date_updated,
  };
}
