// Standard Webhooks v1 (HMAC): hookctl against the `standardwebhooks` package (Webhook.sign/verify).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  assertInvalid,
  assertValid,
  changeOneByte,
  changeWhsecKey,
  nowSeconds,
  sign,
  verify,
} from '../helpers.mjs';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`; // 32 bytes: padded base64
const BODY = '{"type":"invoice.paid","data":{"id":"inv_42","total":12345,"note":"gr\u00fc\u00dfe \ud83d\udc4b"}}';
const ID = 'msg_2ZxInteropStandard01';

const headersFor = (id, t, signature) => ({ 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': signature });
const librarySigned = (t, secret = SECRET, body = BODY, id = ID) =>
  headersFor(id, t, new Webhook(secret).sign(id, new Date(t * 1000), body));

test('published vector (libraries/javascript webhook.test.ts): hookctl sign and the library agree exactly', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"test": 2432232314}';
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  assert.equal(new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), body), expected);
  const out = sign('standard', body, { secrets: [secret], id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330 });
  assert.deepEqual(out.headers, headersFor('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, expected));
});

test('hookctl sign → standardwebhooks verify accepts it', () => {
  const t = nowSeconds();
  const out = sign('standard', BODY, { secrets: [SECRET], id: ID, timestamp: t });
  assert.deepEqual(out.headers, librarySigned(t));
  assert.deepEqual(new Webhook(SECRET).verify(BODY, out.headers), JSON.parse(BODY));
  assert.throws(() => new Webhook(changeWhsecKey(SECRET)).verify(BODY, out.headers), /No matching signature found/);
});

test('hookctl sign with two secrets (rotation) → standardwebhooks accepts either secret', () => {
  const t = nowSeconds();
  const other = `whsec_${randomBytes(24).toString('base64')}`;
  const out = sign('standard', BODY, { secrets: [SECRET, other], id: ID, timestamp: t });
  const entries = out.headers['webhook-signature'].split(' ');
  assert.equal(entries.length, 2);
  assert.deepEqual(new Webhook(SECRET).verify(BODY, out.headers), JSON.parse(BODY));
  assert.deepEqual(new Webhook(other).verify(BODY, out.headers), JSON.parse(BODY));
});

test('unprefixed, unpadded secret (24 bytes): hookctl and the library agree both ways', () => {
  const secret = randomBytes(24).toString('base64');
  assert.ok(!secret.endsWith('='));
  const t = nowSeconds();
  const out = sign('standard', BODY, { secrets: [secret], id: ID, timestamp: t });
  assert.deepEqual(out.headers, librarySigned(t, secret));
  assert.deepEqual(new Webhook(secret).verify(BODY, out.headers), JSON.parse(BODY));
  assertValid(verify('standard', BODY, { secrets: [secret], headers: librarySigned(t, secret) }));
  assertValid(verify('standard', BODY, { secrets: [`whsec_${secret}`], headers: librarySigned(t, secret) }));
});

test('standardwebhooks signs → hookctl verify accepts', () => {
  assertValid(verify('standard', BODY, { secrets: [SECRET], headers: librarySigned(nowSeconds()) }));
});

test('standardwebhooks signs an empty body → hookctl verify accepts', () => {
  const h = librarySigned(nowSeconds(), SECRET, '');
  assert.equal(new Webhook(SECRET).verify('', h), undefined);
  assertValid(verify('standard', '', { secrets: [SECRET], headers: h }));
});

test('standardwebhooks signs → hookctl verify rejects a one-byte body change', () => {
  assertInvalid(verify('standard', changeOneByte(BODY), { secrets: [SECRET], headers: librarySigned(nowSeconds()) }), 'no_match');
});

test('standardwebhooks signs → hookctl verify rejects a changed timestamp (t+1, inside the window)', () => {
  const t = nowSeconds();
  const h = { ...librarySigned(t), 'webhook-timestamp': String(t + 1) };
  assert.throws(() => new Webhook(SECRET).verify(BODY, h), /No matching signature found/);
  assertInvalid(verify('standard', BODY, { secrets: [SECRET], headers: h }), 'no_match');
});

test('standardwebhooks signs → hookctl verify rejects a one-byte-different secret', () => {
  assertInvalid(
    verify('standard', BODY, { secrets: [changeWhsecKey(SECRET)], headers: librarySigned(nowSeconds()) }),
    'no_match',
  );
});

test('decoy entries: a wrong v1 and a v2 before the right v1 still verify (both sides)', () => {
  const t = nowSeconds();
  const good = librarySigned(t)['webhook-signature'];
  const bad = librarySigned(t, changeWhsecKey(SECRET))['webhook-signature'];
  const h = { ...librarySigned(t), 'webhook-signature': `${bad} v2,${good.slice(3)} ${good}` };
  assert.deepEqual(new Webhook(SECRET).verify(BODY, h), JSON.parse(BODY));
  assertValid(verify('standard', BODY, { secrets: [SECRET], headers: h }));
});

test('window: ten minutes old and ten minutes ahead are rejected (both sides)', () => {
  const old = librarySigned(nowSeconds() - 600);
  assert.throws(() => new Webhook(SECRET).verify(BODY, old), /Message timestamp too old/);
  assertInvalid(verify('standard', BODY, { secrets: [SECRET], headers: old }), 'timestamp_too_old');

  const ahead = librarySigned(nowSeconds() + 600);
  assert.throws(() => new Webhook(SECRET).verify(BODY, ahead), /Message timestamp too new/);
  assertInvalid(verify('standard', BODY, { secrets: [SECRET], headers: ahead }), 'timestamp_in_future');
});
