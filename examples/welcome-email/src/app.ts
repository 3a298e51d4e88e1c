/**
 * A small signup service: `POST /signup` sends a welcome email through Resend,
 * `POST /webhooks/resend` verifies Resend's (Svix) signature and records delivery, and a
 * bounce marks the address so the app stops mailing it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resend } from 'resend';
import { Webhook } from 'svix';

export interface AppOptions {
  resendApiKey: string;
  /** Where the Resend API lives (the mirror's URL in tests; https://api.resend.com in production). */
  resendBaseUrl?: string;
  /** The signing secret of the app's Resend webhook (`whsec_…`). Set it with `setWebhookSecret` once known. */
  webhookSecret?: string;
  from?: string;
}

export interface Delivery {
  emailId: string;
  to: string;
  status: 'sent' | 'delivered' | 'bounced' | 'complained' | 'delivery_delayed' | 'failed';
  events: string[];
}

export interface App {
  url: string;
  server: Server;
  deliveries: Map<string, Delivery>;
  /** Addresses that hard-bounced: the app no longer sends to them. */
  suppressed: Set<string>;
  errors: string[];
  setWebhookSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const resend = new Resend(options.resendApiKey, { baseUrl: options.resendBaseUrl });
  const from = options.from ?? 'Acme <hello@mail.acme.com>';
  let webhookSecret = options.webhookSecret;
  const deliveries = new Map<string, Delivery>();
  const suppressed = new Set<string>();
  const errors: string[] = [];

  async function signup(body: { email?: unknown; name?: unknown }) {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return { status: 400, body: { error: 'A valid email is required.' } };
    if (suppressed.has(email)) return { status: 409, body: { error: `${email} bounced before; not sending.` } };
    const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : 'there';
    const { data, error } = await resend.emails.send({
      from,
      to: email,
      subject: 'Welcome to Acme',
      html: `<p>Hi ${escapeHtml(name)}, welcome to Acme! Your account is ready.</p>`,
      text: `Hi ${name}, welcome to Acme! Your account is ready.`,
      tags: [{ name: 'category', value: 'welcome' }],
    });
    if (error || !data) {
      errors.push(`welcome email to ${email} failed: ${error?.name ?? 'unknown'}: ${error?.message ?? ''}`);
      return { status: 502, body: { error: 'Could not send the welcome email; we will retry.' } };
    }
    deliveries.set(data.id, { emailId: data.id, to: email, status: 'sent', events: [] });
    return { status: 201, body: { ok: true, emailId: data.id } };
  }

  function webhook(raw: string, headers: IncomingMessage['headers']) {
    if (!webhookSecret) return { status: 503, body: { error: 'Webhook secret not configured.' } };
    let event: { type: string; data: { email_id?: string; to?: string[] } };
    try {
      event = new Webhook(webhookSecret).verify(raw, {
        'svix-id': String(headers['svix-id'] ?? ''),
        'svix-timestamp': String(headers['svix-timestamp'] ?? ''),
        'svix-signature': String(headers['svix-signature'] ?? ''),
      }) as typeof event;
    } catch {
      return { status: 400, body: { error: 'Invalid signature.' } };
    }
    const id = event.data.email_id;
    const delivery = id ? deliveries.get(id) : undefined;
    if (delivery) {
      delivery.events.push(event.type);
      const status = event.type.replace(/^email\./, '') as Delivery['status'];
      if (['delivered', 'bounced', 'complained', 'delivery_delayed', 'failed'].includes(status)) delivery.status = status;
      if (event.type === 'email.bounced' || event.type === 'email.complained') suppressed.add(delivery.to);
    }
    return { status: 200, body: { received: true } };
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    let reply: { status: number; body: unknown };
    try {
      if (req.method === 'POST' && req.url === '/signup') reply = await signup(JSON.parse(raw || '{}'));
      else if (req.method === 'POST' && req.url === '/webhooks/resend') reply = webhook(raw, req.headers);
      else reply = { status: 404, body: { error: 'Not found' } };
    } catch (error) {
      errors.push(String(error));
      reply = { status: 400, body: { error: 'Bad request' } };
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    deliveries,
    suppressed,
    errors,
    setWebhookSecret: (secret) => {
      webhookSecret = secret;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
