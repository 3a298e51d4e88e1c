/** Stripe pretty-prints its JSON (two spaces), in API responses and webhook bodies alike. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
