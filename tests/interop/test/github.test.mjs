// GitHub X-Hub-Signature-256: hookctl against @octokit/webhooks-methods (sign, verify, verifyWithFallback).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sign as octoSign, verify as octoVerify, verifyWithFallback } from '@octokit/webhooks-methods';
import { assertInvalid, assertValid, changeLastChar, changeOneByte, sign, verify } from '../helpers.mjs';

const SECRET = `gh-${randomBytes(16).toString('hex')}`;
const BODY =
  '{"action":"opened","number":1347,"pull_request":{"title":"Fix \\"quotes\\" & <tags> \u2014 na\u00efve \ud83d\ude80"},' +
  '"repository":{"full_name":"octo/hello-world"}}\n';

test('published vector (github/docs): hookctl sign --data STRING equals octokit sign', async () => {
  const secret = "It's a Secret to Everybody";
  const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
  assert.equal(await octoSign(secret, 'Hello, World!'), expected);
  const out = sign('github', 'Hello, World!', { secrets: [secret], id: 'delivery-1', timestamp: 1700000000, inline: true });
  assert.equal(out.headers['X-Hub-Signature-256'], expected);
  assert.equal(await octoVerify(secret, 'Hello, World!', out.headers['X-Hub-Signature-256']), true);
});

test('hookctl sign → octokit verify accepts it; legacy sha1 header is HMAC-SHA1', async () => {
  const out = sign('github', BODY, { secrets: [SECRET], id: 'd7c6a1e0-0000-4000-8000-000000000001', timestamp: 1700000000 });
  assert.deepEqual(Object.keys(out.headers).sort(), ['X-GitHub-Delivery', 'X-Hub-Signature', 'X-Hub-Signature-256']);
  assert.equal(out.headers['X-GitHub-Delivery'], 'd7c6a1e0-0000-4000-8000-000000000001');
  assert.equal(out.headers['X-Hub-Signature-256'], await octoSign(SECRET, BODY));
  assert.equal(await octoVerify(SECRET, BODY, out.headers['X-Hub-Signature-256']), true);
  assert.equal(await octoVerify(changeLastChar(SECRET), BODY, out.headers['X-Hub-Signature-256']), false);
  // octokit/webhooks-methods has no sha1; node:crypto is the reference for the legacy header.
  assert.equal(out.headers['X-Hub-Signature'], `sha1=${createHmac('sha1', SECRET).update(BODY, 'utf8').digest('hex')}`);
});

test('octokit signs → hookctl verify accepts', async () => {
  const sig = await octoSign(SECRET, BODY);
  assertValid(verify('github', BODY, { secrets: [SECRET], headers: { 'X-Hub-Signature-256': sig } }));
});

test('octokit signs → hookctl verify rejects a one-byte body change', async () => {
  const sig = await octoSign(SECRET, BODY);
  assert.equal(await octoVerify(SECRET, changeOneByte(BODY), sig), false);
  assertInvalid(verify('github', changeOneByte(BODY), { secrets: [SECRET], headers: { 'X-Hub-Signature-256': sig } }), 'no_match');
});

test('octokit signs → hookctl verify rejects a one-byte-different secret', async () => {
  const sig = await octoSign(SECRET, BODY);
  assertInvalid(
    verify('github', BODY, { secrets: [changeLastChar(SECRET)], headers: { 'X-Hub-Signature-256': sig } }),
    'no_match',
  );
});

test('several secrets: hookctl repeated --secret agrees with octokit verifyWithFallback', async () => {
  const other = `gh-${randomBytes(16).toString('hex')}`;
  const sig = await octoSign(other, BODY);
  assert.equal(await verifyWithFallback(SECRET, BODY, sig, [other]), true);
  assertValid(verify('github', BODY, { secrets: [SECRET, other], headers: { 'X-Hub-Signature-256': sig } }));
  assert.equal(await verifyWithFallback(SECRET, BODY, sig, [changeLastChar(other)]), false);
  assertInvalid(
    verify('github', BODY, { secrets: [SECRET, changeLastChar(other)], headers: { 'X-Hub-Signature-256': sig } }),
    'no_match',
  );
});
