/** The check grammar over real Twilio mirror state: SMS counts, message and verification statuses. */
import { afterAll, expect, test } from 'vitest';
import { evaluateCheck } from '../../../src/evaluate/index.js';
import { vocabulary } from '../../../src/mirrors/twilio/index.js';
import { syntheticCapture } from '../../evaluate/helpers.js';
import { createSession, stopMirra } from './harness.js';

afterAll(stopMirra);

test('"Exactly 1 SMS is sent to …", "The message status is `delivered`", verification status', async () => {
  const s = await createSession('verified-numbers');
  const verifyService = await s.sdk.verify.v2.services.create({ friendlyName: 'Acme' });
  const before = await s.state();
  await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'Your order shipped' });
  await s.sdk.messages.create({ to: '+15555550101', from: '+15555550124', body: 'Hello' });
  const v = await s.sdk.verify.v2.services(verifyService.sid).verifications.create({ to: '+15555550102', channel: 'sms' });
  const code: string = (await s.state()).verifications[0].code;
  await s.sdk.verify.v2.services(verifyService.sid).verificationChecks.create({ verificationSid: v.sid, code });
  await s.settle();
  const capture = syntheticCapture({ vendor: 'twilio', displayName: 'Twilio', vocabulary, before, after: await s.state() });
  const check = (sentence: string) => evaluateCheck(sentence, capture).status;
  expect(check('Exactly 1 SMS is sent to `+15555550100`')).toBe('pass');
  expect(check('Exactly 3 SMS messages are sent in the Twilio mirror')).toBe('pass');
  expect(check('No SMS is sent to `+15555550199`')).toBe('pass');
  expect(check('Exactly 1 message is sent from `+15555550124`')).toBe('pass');
  expect(check('The message to `+15555550100` was delivered')).toBe('pass');
  expect(check('The message to `+15555550100` was failed')).toBe('fail');
  expect(check('Exactly 1 verification is approved')).toBe('pass');
  expect(check('Exactly 2 phone numbers exist')).toBe('pass');
});
