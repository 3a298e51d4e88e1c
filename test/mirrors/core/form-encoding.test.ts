import { describe, expect, test } from 'vitest';
import { decodeForm, encodeForm } from '../../../src/mirrors/core/form-encoding.js';
import { parseDuration } from '../../../src/mirrors/core/clock.js';
import { satisfiesRange, compatibleVersions } from '../../../src/mirrors/core/semver.js';
import { Router } from '../../../src/mirrors/core/router.js';

describe('decodeForm', () => {
  test('nested brackets and indexed arrays as stripe-node sends them', () => {
    expect(decodeForm('customer=cus_1&items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2&metadata[plan]=pro')).toEqual({
      customer: 'cus_1',
      items: [{ price: 'price_1', quantity: '2' }, { price: 'price_2' }],
      metadata: { plan: 'pro' },
    });
  });
  test('curl-style [] arrays, percent-encoded brackets, + as space, empty values', () => {
    expect(decodeForm('expand[]=a&expand[]=b&a%5Bb%5D=c+d&metadata[key]=')).toEqual({ expand: ['a', 'b'], a: { b: 'c d' }, metadata: { key: '' } });
  });
  test('Twilio repeated plain keys become arrays', () => {
    expect(decodeForm('To=%2B15551234567&MediaUrl=https%3A%2F%2Fa&MediaUrl=https%3A%2F%2Fb')).toEqual({ To: '+15551234567', MediaUrl: ['https://a', 'https://b'] });
  });
  test('refuses prototype keys', () => {
    const out = decodeForm('__proto__[x]=1&a[constructor]=2&ok=1');
    expect(out).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  test('encodeForm round-trips through decodeForm', () => {
    const data = { a: 'x y', items: [{ price: 'p1' }, { price: 'p2' }], metadata: { k: 'v' }, gone: undefined, cleared: null };
    const encoded = encodeForm(data);
    expect(encoded).toBe('a=x%20y&items[0][price]=p1&items[1][price]=p2&metadata[k]=v&cleared=');
    expect(decodeForm(encoded)).toEqual({ a: 'x y', items: [{ price: 'p1' }, { price: 'p2' }], metadata: { k: 'v' }, cleared: '' });
    expect(encodeForm({ MediaUrl: ['a', 'b'] }, { arrays: 'repeat' })).toBe('MediaUrl=a&MediaUrl=b');
  });
});

describe('small parsers', () => {
  test('durations', () => {
    expect([parseDuration('250ms'), parseDuration('5s'), parseDuration('10m'), parseDuration('1.5h'), parseDuration('2d'), parseDuration(42)]).toEqual([
      250, 5000, 600000, 5400000, 172800000, 42,
    ]);
    expect(() => parseDuration('5 weeks')).toThrow(/Invalid duration/);
  });
  test('semver ranges and snapshot compatibility', () => {
    expect(satisfiesRange('0.3.1', '^0.3.0')).toBe(true);
    expect(satisfiesRange('0.4.0', '^0.3.0')).toBe(false);
    expect(satisfiesRange('1.2.0', '>=1.0.0 <2.0.0')).toBe(true);
    expect(satisfiesRange('1.2.0', '1.x || 2.x')).toBe(true);
    expect(compatibleVersions('1.2.0', '1.2.9')).toBe(true);
    expect(compatibleVersions('1.2.0', '1.3.0')).toBe(false);
  });
  test('router params, trailing slash, method mismatch', () => {
    const r = new Router([{ method: 'GET', path: '/emails/:id' }, { method: 'POST', path: '/emails' }]);
    expect(r.match('GET', '/emails/abc%20d/')).toEqual({ kind: 'match', route: { method: 'GET', path: '/emails/:id' }, params: { id: 'abc d' } });
    expect(r.match('DELETE', '/emails')).toEqual({ kind: 'method_not_allowed', allowed: ['POST'] });
    expect(r.match('GET', '/domains')).toEqual({ kind: 'not_found' });
  });
});
