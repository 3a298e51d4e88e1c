/** Email address parsing the way Resend accepts it: `a@b.c` or `Name <a@b.c>`. */

const ADDRESS = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const NAMED = /^\s*(?:"([^"]*)"|([^<>]*?))\s*<\s*([^<>\s]+)\s*>\s*$/;

export interface ParsedAddress {
  name: string | null;
  email: string;
  domain: string;
  /** Local part without a `+label`. */
  base: string;
}

export function parseAddress(input: string): ParsedAddress | undefined {
  let name: string | null = null;
  let email = input.trim();
  const m = NAMED.exec(input);
  if (m) {
    name = (m[1] ?? m[2] ?? '').trim() || null;
    email = m[3];
  }
  if (!ADDRESS.test(email)) return undefined;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  return { name, email, domain, base: `${local.split('+')[0].toLowerCase()}@${domain}` };
}

export const isEmail = (s: string): boolean => ADDRESS.test(s.trim());

/** The test recipients (https://resend.com/docs/dashboard/emails/send-test-emails), `+label` allowed. */
export type TestOutcome = 'delivered' | 'bounced' | 'complained' | 'suppressed';

export function testOutcome(address: string): TestOutcome | undefined {
  const p = parseAddress(address);
  if (!p || p.domain !== 'resend.dev') return undefined;
  switch (p.base) {
    case 'delivered@resend.dev':
      return 'delivered';
    case 'bounced@resend.dev':
      return 'bounced';
    case 'complained@resend.dev':
      return 'complained';
    case 'suppressed@resend.dev':
      return 'suppressed';
    default:
      return undefined;
  }
}
