/**
 * Phone numbers: E.164 validation and Twilio's test-credential "magic numbers"
 * (https://www.twilio.com/docs/iam/test-credentials), which the mirror honours for every
 * account since they are reserved numbers no real handset has.
 */

/** `+` and 8–15 digits, first not 0. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Twilio accepts formatted numbers (`+1 (415) 555-0100`) and 10-digit US numbers; anything
 * else that is not E.164 after stripping punctuation is invalid.
 */
export function normalizePhone(input: string): string | undefined {
  const trimmed = input.trim();
  const stripped = trimmed.replace(/[\s().-]/g, '');
  if (E164.test(stripped)) return stripped;
  if (/^\d{10}$/.test(stripped)) return `+1${stripped}`;
  if (/^1\d{10}$/.test(stripped)) return `+${stripped}`;
  return undefined;
}

/** Magic `From` numbers: `+15005550006` is valid; these fail with the given error. */
export const MAGIC_FROM: Record<string, { code: number; message: (n: string) => string }> = {
  '+15005550001': { code: 21212, message: (n) => `The 'From' number ${n} is not a valid phone number, shortcode, or alphanumeric sender ID.` },
  '+15005550007': {
    code: 21606,
    message: (n) => `The From phone number ${n} is not a valid, SMS-capable inbound phone number or short code for your account.`,
  },
  '+15005550008': { code: 21611, message: (n) => `This 'From' number ${n} has exceeded the maximum number of queued messages` },
};
export const MAGIC_VALID_FROM = '+15005550006';

/** Magic `To` numbers. */
export const MAGIC_TO: Record<string, { code: number; message: (to: string, from: string) => string }> = {
  '+15005550001': { code: 21211, message: (to) => `The 'To' number ${to} is not a valid phone number.` },
  '+15005550002': { code: 21612, message: (to, from) => `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.` },
  '+15005550003': { code: 21408, message: (to) => `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.` },
  '+15005550004': { code: 21610, message: () => 'Attempt to send to unsubscribed recipient' },
  '+15005550009': { code: 21614, message: (to) => `'To' number ${to} is not a valid mobile number` },
};

/** `(415) 555-0100` for US/CA numbers, the E.164 string otherwise. */
export function friendlyName(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** GSM-7 basic set (+ extension table counted as two). */
const GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXT = '^{}\\[~]|€\f';

/** SMS segments: GSM-7 160/153 septets, otherwise UCS-2 70/67 characters. */
export function segmentCount(body: string): number {
  if (body.length === 0) return 1;
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM.includes(ch)) septets += 1;
    else if (GSM_EXT.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
