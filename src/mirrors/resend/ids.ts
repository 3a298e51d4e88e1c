/** Resend ids are UUID v4s. Built from `ctx.ids.next` so `settings.deterministicIds` applies. */
import type { SessionContext } from '../core/context.js';

const HEX = '0123456789abcdef';

export function newUuid(ctx: SessionContext): string {
  const h = ctx.ids.next('', 32, HEX);
  const variant = HEX[8 + (parseInt(h[16], 16) & 3)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** API key tokens look like `re_<8 chars>_<24 chars>`. */
export function newApiKeyToken(ctx: SessionContext): string {
  return `re_${ctx.ids.next('', 8)}_${ctx.ids.next('', 24)}`;
}
