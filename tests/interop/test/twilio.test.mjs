// Twilio X-Twilio-Signature: hookctl against the `twilio` package (getExpectedTwilioSignature,
// validateRequest for form bodies, validateRequestWithBody for JSON bodies with bodySHA256).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import twilio from 'twilio';
import { assertInvalid, assertValid, changeLastChar, changeOneByte, sign, verify } from '../helpers.mjs';

const TOKEN = randomBytes(16).toString('hex');
const URL_FORM = 'https://hooks.example.com/twilio/sms?tenant=acme&v=2';
const URL_JSON = 'https://hooks.example.com/twilio/events';
const FORM_CT = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_CT = { 'Content-Type': 'application/json' };
// As Twilio posts it: keys unsorted, '+' for space, percent escapes, a repeated key with distinct values.
const FORM =
  'To=%2B15558675310&From=%2B15017122661&Body=Hello+W%C3%B6rld%21+%F0%9F%91%8B&MessageSid=SM1234567890abcdef' +
  '&NumMedia=0&AccountSid=AC0123456789&Digits=9&Digits=1';
const JSON_BODY = '{"event":"call.completed","callSid":"CA42","duration":17,"caller":"+15017122661"}';

// The form body as the params object twilio-node expects (arrays for repeated keys).
function params(form) {
  const out = {};
  for (const [k, v] of new URLSearchParams(form)) {
    if (k in out) out[k] = [].concat(out[k], v);
    else out[k] = v;
  }
  return out;
}

test('form body: hookctl sign equals getExpectedTwilioSignature; validateRequest accepts it', () => {
  const out = sign('twilio', FORM, { secrets: [TOKEN], id: 'x', timestamp: 1700000000, url: URL_FORM, headers: FORM_CT });
  assert.equal(out.url, URL_FORM);
  const sig = out.headers['X-Twilio-Signature'];
  assert.equal(sig, twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(FORM)));
  assert.equal(twilio.validateRequest(TOKEN, sig, out.url, params(FORM)), true);
  assert.equal(twilio.validateRequest(changeLastChar(TOKEN), sig, out.url, params(FORM)), false);
});

test('form body with a repeated identical value: twilio signs → hookctl verify accepts', () => {
  const form = 'Digits=5&Digits=5&CallSid=CA1';
  const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(form));
  assertValid(verify('twilio', form, { secrets: [TOKEN], url: URL_FORM, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }));
});

test('form body with a repeated identical value: hookctl sign → validateRequest accepts it', () => {
  // twilio-node toFormUrlEncodedParam (Array.from(new Set(values)).sort()) and twilio-python
  // compute_signature (sorted(set(values))) both put each distinct value of a key in the signed data once.
  const form = 'Digits=5&Digits=5&CallSid=CA1';
  const out = sign('twilio', form, { secrets: [TOKEN], id: 'x', timestamp: 1700000000, url: URL_FORM, headers: FORM_CT });
  const sig = out.headers['X-Twilio-Signature'];
  assert.equal(twilio.validateRequest(TOKEN, sig, out.url, params(form)), true, 'twilio validateRequest rejects the hookctl signature');
  assert.equal(sig, twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(form)));
});

test('JSON body: hookctl sign appends bodySHA256; validateRequestWithBody accepts it', () => {
  const out = sign('twilio', JSON_BODY, { secrets: [TOKEN], id: 'x', timestamp: 1700000000, url: URL_JSON, headers: JSON_CT });
  const hash = createHash('sha256').update(JSON_BODY, 'utf8').digest('hex');
  assert.equal(hash, twilio.getExpectedBodyHash(JSON_BODY));
  assert.equal(out.url, `${URL_JSON}?bodySHA256=${hash}`);
  const sig = out.headers['X-Twilio-Signature'];
  assert.equal(sig, twilio.getExpectedTwilioSignature(TOKEN, out.url, {}));
  assert.equal(twilio.validateRequestWithBody(TOKEN, sig, out.url, JSON_BODY), true);
  assert.equal(twilio.validateRequestWithBody(TOKEN, sig, out.url, changeOneByte(JSON_BODY)), false);
});

test('JSON body, URL with a query string: bodySHA256 is appended with &', () => {
  const url = `${URL_JSON}?region=eu1`;
  const out = sign('twilio', JSON_BODY, { secrets: [TOKEN], id: 'x', timestamp: 1700000000, url, headers: JSON_CT });
  assert.equal(out.url, `${url}&bodySHA256=${twilio.getExpectedBodyHash(JSON_BODY)}`);
  assert.equal(twilio.validateRequestWithBody(TOKEN, out.headers['X-Twilio-Signature'], out.url, JSON_BODY), true);
});

test('form body: twilio signs → hookctl verify accepts', () => {
  const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(FORM));
  assertValid(verify('twilio', FORM, { secrets: [TOKEN], url: URL_FORM, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }));
});

test('form body: twilio signs → hookctl verify rejects a one-byte body change', () => {
  const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(FORM));
  const changed = changeOneByte(FORM);
  assert.equal(twilio.validateRequest(TOKEN, sig, URL_FORM, params(changed)), false);
  assertInvalid(verify('twilio', changed, { secrets: [TOKEN], url: URL_FORM, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }), 'no_match');
});

test('form body: twilio signs → hookctl verify rejects a one-byte-different token', () => {
  const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(FORM));
  assertInvalid(
    verify('twilio', FORM, { secrets: [changeLastChar(TOKEN)], url: URL_FORM, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }),
    'no_match',
  );
});

test('form body: twilio signs → hookctl verify rejects a changed URL', () => {
  const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_FORM, params(FORM));
  const url = URL_FORM.replace('v=2', 'v=3');
  assert.equal(twilio.validateRequest(TOKEN, sig, url, params(FORM)), false);
  assertInvalid(verify('twilio', FORM, { secrets: [TOKEN], url, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }), 'no_match');
});

test('JSON body: twilio signs → hookctl verify accepts', () => {
  const url = `${URL_JSON}?bodySHA256=${twilio.getExpectedBodyHash(JSON_BODY)}`;
  const sig = twilio.getExpectedTwilioSignature(TOKEN, url, {});
  assertValid(verify('twilio', JSON_BODY, { secrets: [TOKEN], url, headers: { ...JSON_CT, 'X-Twilio-Signature': sig } }));
});

test('JSON body: twilio signs → hookctl verify rejects a one-byte body change (bodySHA256)', () => {
  const url = `${URL_JSON}?bodySHA256=${twilio.getExpectedBodyHash(JSON_BODY)}`;
  const sig = twilio.getExpectedTwilioSignature(TOKEN, url, {});
  assertInvalid(
    verify('twilio', changeOneByte(JSON_BODY), { secrets: [TOKEN], url, headers: { ...JSON_CT, 'X-Twilio-Signature': sig } }),
    'body_hash_mismatch',
  );
});

test('JSON body: twilio signs → hookctl verify rejects a one-byte-different token', () => {
  const url = `${URL_JSON}?bodySHA256=${twilio.getExpectedBodyHash(JSON_BODY)}`;
  const sig = twilio.getExpectedTwilioSignature(TOKEN, url, {});
  assertInvalid(
    verify('twilio', JSON_BODY, { secrets: [changeLastChar(TOKEN)], url, headers: { ...JSON_CT, 'X-Twilio-Signature': sig } }),
    'no_match',
  );
});

test('port quirk: signed with :443, verified against the URL without a port (both sides)', () => {
  const withPort = 'https://hooks.example.com:443/twilio/sms?tenant=acme';
  const without = 'https://hooks.example.com/twilio/sms?tenant=acme';
  const sig = twilio.getExpectedTwilioSignature(TOKEN, withPort, params(FORM));
  assert.equal(twilio.validateRequest(TOKEN, sig, without, params(FORM)), true);
  assertValid(verify('twilio', FORM, { secrets: [TOKEN], url: without, headers: { ...FORM_CT, 'X-Twilio-Signature': sig } }));

  const out = sign('twilio', FORM, { secrets: [TOKEN], id: 'x', timestamp: 1700000000, url: without, headers: FORM_CT });
  assert.equal(twilio.validateRequest(TOKEN, out.headers['X-Twilio-Signature'], withPort, params(FORM)), true);
});
