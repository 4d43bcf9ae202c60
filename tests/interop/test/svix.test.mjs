// Svix: hookctl against the `svix` package's Webhook class, with svix-* headers and the webhook-*
// fallback it accepts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Webhook } from 'svix';
import {
  assertInvalid,
  assertValid,
  changeOneByte,
  changeWhsecKey,
  nowSeconds,
  sign,
  verify,
} from '../helpers.mjs';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const BODY = '{"eventType":"user.created","data":{"id":"user_7","email":"a@example.com","age":31}}';
const ID = 'msg_2ZxInteropSvix000001';

const svixHeaders = (id, t, sig) => ({ 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': sig });
const webhookHeaders = (id, t, sig) => ({ 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': sig });
const librarySig = (t, secret = SECRET) => new Webhook(secret).sign(ID, new Date(t * 1000), BODY);

test('hookctl sign → svix verify accepts it, with svix-* headers and renamed to webhook-*', () => {
  const t = nowSeconds();
  const out = sign('svix', BODY, { secrets: [SECRET], id: ID, timestamp: t });
  assert.deepEqual(out.headers, svixHeaders(ID, t, librarySig(t)));
  assert.deepEqual(new Webhook(SECRET).verify(BODY, out.headers), JSON.parse(BODY));
  const renamed = webhookHeaders(ID, t, out.headers['svix-signature']);
  assert.deepEqual(new Webhook(SECRET).verify(BODY, renamed), JSON.parse(BODY));
  assert.throws(() => new Webhook(changeWhsecKey(SECRET)).verify(BODY, out.headers), /No matching signature found/);
});

test('svix signs → hookctl verify accepts svix-* headers', () => {
  const t = nowSeconds();
  assertValid(verify('svix', BODY, { secrets: [SECRET], headers: svixHeaders(ID, t, librarySig(t)) }));
});

test('svix signs → hookctl verify accepts the webhook-* fallback headers', () => {
  const t = nowSeconds();
  assertValid(verify('svix', BODY, { secrets: [SECRET], headers: webhookHeaders(ID, t, librarySig(t)) }));
});

for (const [label, headersOf] of [
  ['svix-*', svixHeaders],
  ['webhook-*', webhookHeaders],
]) {
  test(`svix signs (${label}) → hookctl verify rejects a one-byte body change`, () => {
    const t = nowSeconds();
    assertInvalid(verify('svix', changeOneByte(BODY), { secrets: [SECRET], headers: headersOf(ID, t, librarySig(t)) }), 'no_match');
  });

  test(`svix signs (${label}) → hookctl verify rejects a changed timestamp (t+1)`, () => {
    const t = nowSeconds();
    const h = headersOf(ID, t + 1, librarySig(t));
    assert.throws(() => new Webhook(SECRET).verify(BODY, h), /No matching signature found/);
    assertInvalid(verify('svix', BODY, { secrets: [SECRET], headers: h }), 'no_match');
  });

  test(`svix signs (${label}) → hookctl verify rejects a one-byte-different secret`, () => {
    const t = nowSeconds();
    assertInvalid(
      verify('svix', BODY, { secrets: [changeWhsecKey(SECRET)], headers: headersOf(ID, t, librarySig(t)) }),
      'no_match',
    );
  });
}

test('both header sets present: svix-* wins over webhook-* (both sides)', () => {
  const t = nowSeconds();
  const good = librarySig(t);
  const bad = librarySig(t, changeWhsecKey(SECRET));

  const svixGood = { ...webhookHeaders(ID, t, bad), ...svixHeaders(ID, t, good) };
  assert.deepEqual(new Webhook(SECRET).verify(BODY, svixGood), JSON.parse(BODY));
  assertValid(verify('svix', BODY, { secrets: [SECRET], headers: svixGood }));

  const webhookGood = { ...webhookHeaders(ID, t, good), ...svixHeaders(ID, t, bad) };
  assert.throws(() => new Webhook(SECRET).verify(BODY, webhookGood), /No matching signature found/);
  assertInvalid(verify('svix', BODY, { secrets: [SECRET], headers: webhookGood }), 'no_match');
});
