#!/usr/bin/env node
/**
 * Generates the Resend fixtures that hold bulk data (fixtures/resend/*.json) from a seeded
 * PRNG, so the committed JSON is reproducible: `node scripts/generate-resend-fixtures.mjs`.
 * Timestamps are offsets from the session clock at creation (`-3d4h12m`), see
 * docs/mirrors/resend.md#fixtures.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/resend/', import.meta.url));

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tools(seed) {
  const rand = mulberry32(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`;
  return { rand, int, pick, uuid };
}

/** Seconds → `-XdYhZmWs`. */
function ago(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `-${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!d && !h && !m) ? `${s}s` : ''}`;
}

const FIRST = ['Alice', 'Bob', 'Carla', 'Dmitri', 'Elena', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jasmine', 'Kenji', 'Lucia', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Samir', 'Tara', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Ana', 'Ben', 'Chloe', 'David', 'Emma', 'Felix'];
const LAST = ['Anderson', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Usman', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zhang'];
const PROVIDERS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me', 'fastmail.com', 'hey.com', 'northwind.io', 'contoso.dev', 'globex.co'];

function write(name, doc) {
  writeFileSync(`${dir}${name}.json`, JSON.stringify(doc, null, 2) + '\n');
  console.log(`fixtures/resend/${name}.json`);
}

const MAIL_ACME = { id: '4dd369bc-aa82-4ff3-97de-514ae3000ee0', name: 'mail.acme.com', status: 'verified', region: 'us-east-1', created_at: '-90d' };

// ── transactional-busy ────────────────────────────────────────────────────────
{
  const t = tools(20251130);
  const kinds = [
    { tag: 'welcome', from: 'Acme <hello@mail.acme.com>', subject: () => 'Welcome to Acme!', body: (n) => `<p>Hi ${n}, welcome to Acme. Your workspace is ready.</p>` },
    { tag: 'password_reset', from: 'Acme Security <security@mail.acme.com>', subject: () => 'Reset your Acme password', body: (n) => `<p>Hi ${n}, use the link below to reset your password. It expires in 1 hour.</p>` },
    { tag: 'receipt', from: 'Acme Billing <billing@mail.acme.com>', subject: () => `Your Acme receipt #${1000 + t.int(9000)}`, body: (n) => `<p>Thanks ${n}, we received your payment.</p>` },
    { tag: 'login_alert', from: 'Acme Security <security@mail.acme.com>', subject: () => 'New sign-in to your Acme account', body: (n) => `<p>Hi ${n}, we noticed a new sign-in from Firefox on macOS.</p>` },
    { tag: 'digest', from: 'Acme <hello@mail.acme.com>', subject: () => 'Your weekly Acme digest', body: (n) => `<p>Hi ${n}, here is what happened in your workspace this week.</p>` },
  ];
  const times = Array.from({ length: 100 }, () => 120 + t.int(7 * 86400 - 120)).sort((a, b) => b - a);
  const emails = times.map((seconds) => {
    const k = t.pick(kinds);
    const first = t.pick(FIRST);
    const last = t.pick(LAST);
    const to = `${first}.${last}`.toLowerCase() + `@${t.pick(PROVIDERS)}`;
    const r = t.rand();
    const last_event = r < 0.04 ? 'bounced' : r < 0.05 ? 'complained' : r < 0.06 ? 'failed' : r < 0.18 ? 'clicked' : r < 0.48 ? 'opened' : 'delivered';
    return {
      id: t.uuid(),
      from: k.from,
      to: [to],
      subject: k.subject(),
      html: k.body(first),
      text: null,
      created_at: ago(seconds),
      last_event,
      tags: [{ name: 'category', value: k.tag }],
    };
  });
  write('transactional-busy', {
    $schema: '../seed.schema.json',
    mirror: 'resend',
    name: 'transactional-busy',
    description:
      'A verified sending domain `mail.acme.com` and 100 emails over the last 7 days with realistic delivery, bounce and open outcomes.',
    settings: { deliveryDelaySeconds: 3 },
    records: { domains: [MAIL_ACME], emails },
    webhooks: [],
  });
}

// ── bounced-domain ────────────────────────────────────────────────────────────
{
  const t = tools(4040);
  const times = Array.from({ length: 40 }, () => 3 * 86400 + t.int(14 * 86400)).sort((a, b) => b - a);
  const emails = times.map((seconds, i) => {
    const first = t.pick(FIRST);
    const isBounce = i % 3 === 0 || t.rand() < 0.05;
    return {
      id: t.uuid(),
      from: 'Acme Updates <updates@news.acme.com>',
      to: [`${first.toLowerCase()}.${t.pick(LAST).toLowerCase()}${t.int(99)}@${t.pick(PROVIDERS)}`],
      subject: t.pick(['Acme product update', 'Your Acme trial ends soon', 'We miss you at Acme']),
      html: `<p>Hi ${first}, here is the latest from Acme.</p>`,
      created_at: ago(seconds),
      last_event: isBounce ? 'bounced' : 'delivered',
      tags: [{ name: 'category', value: 'reengagement' }],
    };
  });
  write('bounced-domain', {
    $schema: '../seed.schema.json',
    mirror: 'resend',
    name: 'bounced-domain',
    // `news.acme.com` is `failed` after ~35% of 40 sends bounced (Resend's threshold is 4%).
    description: 'A domain whose recent sends hard-bounce.',
    settings: { deliveryDelaySeconds: 3 },
    records: {
      domains: [{ id: 'b0a4f3c2-5d6e-4f70-8a91-2b3c4d5e6f70', name: 'news.acme.com', status: 'failed', region: 'us-east-1', created_at: '-45d' }],
      emails,
    },
    webhooks: [],
  });
}

// ── marketing-list ────────────────────────────────────────────────────────────
{
  const t = tools(1000);
  const audienceId = '78261eea-8f8b-4381-83c6-79fa7120f1cf';
  const seen = new Set();
  const times = Array.from({ length: 1000 }, () => 86400 + t.int(180 * 86400)).sort((a, b) => b - a);
  const contacts = times.map((seconds) => {
    const first = t.pick(FIRST);
    const last = t.pick(LAST);
    let email;
    do email = `${first}.${last}${t.int(1000)}@${t.pick(PROVIDERS)}`.toLowerCase();
    while (seen.has(email));
    seen.add(email);
    return { id: t.uuid(), email, first_name: first, last_name: last, unsubscribed: t.rand() < 0.04, segment_ids: [audienceId], created_at: ago(seconds) };
  });
  const broadcasts = [
    ['March product update', 'What is new at Acme in March', 75],
    ['Spring sale', '20% off all Acme plans this week', 40],
    ['April product update', 'What is new at Acme in April', 8],
  ].map(([name, subject, days]) => ({
    id: t.uuid(),
    name,
    segment_id: audienceId,
    from: 'Acme Newsletter <newsletter@news.acme.com>',
    subject,
    html: `<h1>${subject}</h1><p>Thanks for reading. {{{RESEND_UNSUBSCRIBE_URL}}}</p>`,
    status: 'sent',
    created_at: ago(days * 86400 + 7200),
    sent_at: ago(days * 86400),
  }));
  write('marketing-list', {
    $schema: '../seed.schema.json',
    mirror: 'resend',
    name: 'marketing-list',
    description: 'An audience of 1,000 contacts and 3 broadcasts.',
    settings: { deliveryDelaySeconds: 3 },
    records: {
      domains: [{ id: '9a3b7c1d-2e4f-4a5b-8c6d-7e8f9a0b1c2d', name: 'news.acme.com', status: 'verified', region: 'us-east-1', created_at: '-200d' }],
      audiences: [{ id: audienceId, name: 'Newsletter', created_at: '-200d' }],
      contacts,
      broadcasts,
    },
    webhooks: [],
  });
}

// ── over-quota ────────────────────────────────────────────────────────────────
write('over-quota', {
  $schema: '../seed.schema.json',
  mirror: 'resend',
  name: 'over-quota',
  // A free-plan account (100 emails/day, 3,000/month) that already sent 100 emails today.
  description: 'Every send answers 429 with the daily quota payload.',
  settings: { deliveryDelaySeconds: 3, dailyQuota: 100, dailyQuotaUsed: 100, monthlyQuota: 3000, monthlyQuotaUsed: 1460 },
  records: { domains: [MAIL_ACME] },
  webhooks: [],
});

// ── empty ─────────────────────────────────────────────────────────────────────
write('empty', {
  $schema: '../seed.schema.json',
  mirror: 'resend',
  name: 'empty',
  description: 'No domains, emails, contacts or webhooks.',
  settings: {},
  records: {},
  webhooks: [],
});
