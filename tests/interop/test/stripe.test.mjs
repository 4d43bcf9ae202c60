// Stripe-Signature: hookctl against stripe-node (Webhooks.js: generateTestHeaderString, constructEvent).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import Stripe from 'stripe';
import { assertInvalid, assertValid, changeLastChar, changeOneByte, nowSeconds, sign, verify } from '../helpers.mjs';

const stripe = new Stripe('sk_test_interop_not_used_for_requests');
const SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const BODY =
  '{\n  "id": "evt_1PxInterop0001",\n  "object": "event",\n  "type": "payment_intent.succeeded",\n' +
  '  "data": {"object": {"id": "pi_3Interop", "amount": 2000, "currency": "eur", "description": "caf\u00e9 \u2615"}}\n}\n';

const librarySigned = (timestamp, secret = SECRET, payload = BODY) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

test('hookctl sign: header equals stripe-node generateTestHeaderString, byte for byte', () => {
  const out = sign('stripe', BODY, { secrets: ['whsec_test_secret'], id: 'evt_fixed', timestamp: 1700000000 });
  assert.deepEqual(out.headers, { 'Stripe-Signature': librarySigned(1700000000, 'whsec_test_secret') });
});

test('hookctl sign → stripe-node constructEvent accepts it', () => {
  const t = nowSeconds();
  const out = sign('stripe', BODY, { secrets: [SECRET], id: 'evt_1', timestamp: t });
  const header = out.headers['Stripe-Signature'];
  assert.match(header, new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
  const event = stripe.webhooks.constructEvent(BODY, header, SECRET);
  assert.equal(event.id, 'evt_1PxInterop0001');
  assert.equal(event.data.object.amount, 2000);
  // And the library side can fail: another secret is rejected.
  assert.throws(() => stripe.webhooks.constructEvent(BODY, header, changeLastChar(SECRET)), {
    type: 'StripeSignatureVerificationError',
  });
});

test('hookctl sign with two secrets (rotation) → stripe-node accepts either secret', () => {
  const t = nowSeconds();
  const other = `whsec_${randomBytes(24).toString('hex')}`;
  const header = sign('stripe', BODY, { secrets: [SECRET, other], timestamp: t }).headers['Stripe-Signature'];
  assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 2);
  assert.equal(stripe.webhooks.constructEvent(BODY, header, SECRET).id, 'evt_1PxInterop0001');
  assert.equal(stripe.webhooks.constructEvent(BODY, header, other).id, 'evt_1PxInterop0001');
});

test('stripe-node signs → hookctl verify accepts', () => {
  const header = librarySigned(nowSeconds());
  assertValid(verify('stripe', BODY, { secrets: [SECRET], headers: { 'Stripe-Signature': header } }));
});

test('stripe-node signs → hookctl verify rejects a one-byte body change', () => {
  const header = librarySigned(nowSeconds());
  assertInvalid(verify('stripe', changeOneByte(BODY), { secrets: [SECRET], headers: { 'Stripe-Signature': header } }), 'no_match');
});

test('stripe-node signs → hookctl verify rejects a changed timestamp (t+1, inside the window)', () => {
  const t = nowSeconds();
  const header = librarySigned(t).replace(`t=${t},`, `t=${t + 1},`);
  assert.match(header, new RegExp(`^t=${t + 1},v1=`));
  assertInvalid(verify('stripe', BODY, { secrets: [SECRET], headers: { 'Stripe-Signature': header } }), 'no_match');
});

test('stripe-node signs → hookctl verify rejects a one-byte-different secret', () => {
  const header = librarySigned(nowSeconds());
  assertInvalid(
    verify('stripe', BODY, { secrets: [changeLastChar(SECRET)], headers: { 'Stripe-Signature': header } }),
    'no_match',
  );
});

test('decoy v1 and v0 entries: any v1 match counts, v0 alone does not (both sides)', () => {
  const t = nowSeconds();
  const good = librarySigned(t).split(',v1=')[1];
  const bad = librarySigned(t, 'whsec_other');
  const badSig = bad.split(',v1=')[1];
  const mixed = `t=${t},v0=${good},v1=${badSig},v1=${good}`;
  assert.equal(stripe.webhooks.constructEvent(BODY, mixed, SECRET).id, 'evt_1PxInterop0001');
  assertValid(verify('stripe', BODY, { secrets: [SECRET], headers: { 'Stripe-Signature': mixed } }));

  const v0only = `t=${t},v0=${good}`;
  assert.throws(() => stripe.webhooks.constructEvent(BODY, v0only, SECRET), /No signatures found with expected scheme/);
  assertInvalid(verify('stripe', BODY, { secrets: [SECRET], headers: { 'Stripe-Signature': v0only } }), 'unknown_version');
});

test('tolerance: 300 s in the past is accepted, 301 s rejected, the future accepted (both sides)', () => {
  const t = 1700000000;
  const header = librarySigned(t);
  const h = { 'Stripe-Signature': header };
  const lib = (now) => stripe.webhooks.constructEvent(BODY, header, SECRET, 300, undefined, now * 1000);

  assert.equal(lib(t + 300).id, 'evt_1PxInterop0001');
  assertValid(verify('stripe', BODY, { secrets: [SECRET], headers: h, now: t + 300 }));

  assert.throws(() => lib(t + 301), /Timestamp outside the tolerance zone/);
  assertInvalid(verify('stripe', BODY, { secrets: [SECRET], headers: h, now: t + 301 }), 'timestamp_too_old');

  assert.equal(lib(t - 3600).id, 'evt_1PxInterop0001');
  assertValid(verify('stripe', BODY, { secrets: [SECRET], headers: h, now: t - 3600 }));
});
