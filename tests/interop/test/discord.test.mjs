// Discord interactions (Ed25519): hookctl against discord-interactions verifyKey; node:crypto signs,
// since discord-interactions only verifies.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { test } from 'node:test';
import { verifyKey } from 'discord-interactions';
import { assertInvalid, assertValid, changeOneByte, nowSeconds, sign, verify } from '../helpers.mjs';

const b64urlToHex = (s) => Buffer.from(s, 'base64url').toString('hex');

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seedHex = b64urlToHex(jwk.d);
  // The pkcs8 DER ends with the same 32-byte seed.
  assert.equal(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex'), seedHex);
  const publicHex = b64urlToHex(publicKey.export({ format: 'jwk' }).x);
  assert.match(seedHex, /^[0-9a-f]{64}$/);
  assert.match(publicHex, /^[0-9a-f]{64}$/);
  return { privateKey, seedHex, publicHex };
}

const KEYS = keyPair();
const BODY = '{"id":"1183937342046392400","type":2,"data":{"name":"ping","options":[{"name":"text","value":"h\u00e9"}]}}';

const nodeSigned = (timestamp, body = BODY, key = KEYS.privateKey) =>
  edSign(null, Buffer.from(String(timestamp) + body, 'utf8'), key).toString('hex');

const headersFor = (sig, timestamp) => ({ 'X-Signature-Ed25519': sig, 'X-Signature-Timestamp': String(timestamp) });

// A public key that differs from `hex` in exactly one byte.
const changeKeyByte = (hex) => {
  const b = Buffer.from(hex, 'hex');
  b[0] ^= 0x01;
  return b.toString('hex');
};

test('hookctl sign → discord-interactions verifyKey accepts it; signature equals node:crypto Ed25519', async () => {
  const t = nowSeconds();
  const out = sign('discord', BODY, { privateKey: KEYS.seedHex, id: 'x', timestamp: t });
  assert.deepEqual(out.headers, headersFor(nodeSigned(t), t)); // Ed25519 is deterministic
  const sig = out.headers['X-Signature-Ed25519'];
  assert.equal(await verifyKey(BODY, sig, out.headers['X-Signature-Timestamp'], KEYS.publicHex), true);
  assert.equal(await verifyKey(Buffer.from(BODY, 'utf8'), sig, String(t), KEYS.publicHex), true);
  assert.equal(await verifyKey(BODY, sig, String(t + 1), KEYS.publicHex), false);
  assert.equal(await verifyKey(BODY, sig, String(t), keyPair().publicHex), false);
});

test('node:crypto signs → verifyKey and hookctl verify accept', async () => {
  const t = nowSeconds();
  const sig = nodeSigned(t);
  assert.equal(await verifyKey(BODY, sig, String(t), KEYS.publicHex), true);
  assertValid(verify('discord', BODY, { publicKeys: [KEYS.publicHex], headers: headersFor(sig, t) }));
});

test('node:crypto signs → hookctl verify rejects a one-byte body change', async () => {
  const t = nowSeconds();
  const sig = nodeSigned(t);
  assert.equal(await verifyKey(changeOneByte(BODY), sig, String(t), KEYS.publicHex), false);
  assertInvalid(verify('discord', changeOneByte(BODY), { publicKeys: [KEYS.publicHex], headers: headersFor(sig, t) }), 'no_match');
});

test('node:crypto signs → hookctl verify rejects a changed timestamp (t+1)', () => {
  const t = nowSeconds();
  assertInvalid(verify('discord', BODY, { publicKeys: [KEYS.publicHex], headers: headersFor(nodeSigned(t), t + 1) }), 'no_match');
});

test('node:crypto signs → hookctl verify rejects a one-byte-different public key', async () => {
  const t = nowSeconds();
  const sig = nodeSigned(t);
  const wrong = changeKeyByte(KEYS.publicHex);
  assert.equal(await verifyKey(BODY, sig, String(t), wrong), false);
  assertInvalid(verify('discord', BODY, { publicKeys: [wrong], headers: headersFor(sig, t) }), 'no_match');
});

test('no timestamp window: a day-old signature verifies (both sides)', async () => {
  const t = nowSeconds() - 86400;
  const sig = nodeSigned(t);
  assert.equal(await verifyKey(BODY, sig, String(t), KEYS.publicHex), true);
  assertValid(verify('discord', BODY, { publicKeys: [KEYS.publicHex], headers: headersFor(sig, t) }));
});
