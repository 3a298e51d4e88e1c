/** The DNS records Resend asks for when a domain is added (SPF MX + TXT, DKIM, receiving MX). */
import { createHash } from 'node:crypto';
import type { DomainRecord, DomainRow } from './types.js';

/** The label relative to the registered domain (`mail.acme.com` → `mail`; `acme.com` → ``). */
function subLabel(name: string): string {
  const parts = name.split('.');
  return parts.length > 2 ? parts.slice(0, -2).join('.') : '';
}

const join = (...labels: string[]) => labels.filter(Boolean).join('.');

/** A stable, plausible DKIM public key for a domain id. */
function dkimKey(seed: string): string {
  let out = '';
  for (let i = 0; out.length < 216; i++) out += createHash('sha256').update(`${seed}:${i}`).digest('base64').replace(/[=]/g, '');
  return `p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ${out.slice(0, 178)}IDAQAB`;
}

export function generateRecords(domain: Pick<DomainRow, 'id' | 'name' | 'region' | 'capabilities' | 'custom_return_path'> & { tracking_subdomain?: string | null }, status: string): DomainRecord[] {
  const sub = subLabel(domain.name);
  const returnPath = domain.custom_return_path || 'send';
  const records: DomainRecord[] = [];
  if (domain.capabilities.sending === 'enabled') {
    records.push(
      { record: 'SPF', name: join(returnPath, sub), type: 'MX', ttl: 'Auto', status, value: `feedback-smtp.${domain.region}.amazonses.com`, priority: 10 },
      { record: 'SPF', name: join(returnPath, sub), type: 'TXT', ttl: 'Auto', status, value: '"v=spf1 include:amazonses.com ~all"' },
      { record: 'DKIM', name: join('resend._domainkey', sub), type: 'TXT', ttl: 'Auto', status, value: dkimKey(domain.id) },
    );
  }
  if (domain.capabilities.receiving === 'enabled') {
    records.push({ record: 'Receiving', name: sub || '@', type: 'MX', ttl: 'Auto', status, value: `inbound-smtp.${domain.region}.amazonaws.com`, priority: 10 });
  }
  if (domain.tracking_subdomain) {
    records.push({ record: 'Tracking', name: join(domain.tracking_subdomain, sub), type: 'CNAME', ttl: 'Auto', status, value: 'links1.resend-dns.com' });
  }
  return records;
}

/** Record status that goes with a domain status. */
export function recordStatusFor(status: string): string {
  if (status === 'verified') return 'verified';
  if (status === 'failed') return 'failed';
  if (status === 'pending') return 'pending';
  return 'not_started';
}

export const REGIONS = ['us-east-1', 'eu-west-1', 'sa-east-1', 'ap-northeast-1'] as const;
