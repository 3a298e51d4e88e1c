/**
 * The official `twilio` client, pointed at a Mirra mirror when an API base is given.
 * Twilio's products live on several hosts (api., verify., messaging.twilio.com) and the SDK
 * has no base-URL option, but it takes an `httpClient`: this one swaps the host of every
 * request (docs/mirrors/twilio.md, "Pointing the SDK at the mirror").
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';

export class MirraRequestClient extends twilio.RequestClient {
  constructor(private readonly mirrorUrl: string) {
    super();
  }
  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<HttpResponse.default<TData>> {
    const uri = new URL(opts.uri);
    const target = new URL(this.mirrorUrl);
    uri.protocol = target.protocol;
    uri.host = target.host;
    return super.request({ ...opts, uri: uri.toString() });
  }
}

/** `apiBase` = the mirror's URL in tests (TWILIO_API_BASE); leave it out in production. */
export function twilioClient(accountSid: string, authToken: string, apiBase?: string): twilio.Twilio {
  return apiBase ? twilio(accountSid, authToken, { httpClient: new MirraRequestClient(apiBase) }) : twilio(accountSid, authToken);
}
