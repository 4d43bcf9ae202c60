// Shared helpers for the interop tests: run the hookctl binary named by HOOKCTL_TEST_BIN (never through a
// shell), write bodies to temp files, and check `hookctl verify --json` verdicts exactly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

if (!process.env.HOOKCTL_TEST_BIN) throw new Error('HOOKCTL_TEST_BIN is not set: point it at the hookctl binary');
export const BIN = resolve(process.env.HOOKCTL_TEST_BIN); // hookctl runs in a scratch directory

// One scratch directory per test file: bodies, the working directory (so no ./.hookctl.toml is
// picked up) and an empty XDG_CONFIG_HOME.
const scratch = mkdtempSync(join(tmpdir(), 'hookctl-interop-'));
mkdirSync(join(scratch, 'xdg'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKCTL_')));
childEnv.NO_COLOR = '1';
childEnv.XDG_CONFIG_HOME = join(scratch, 'xdg');

let fileCount = 0;

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// Runs hookctl with `args` (an array; no shell). Returns { status, stdout, stderr }.
export function run(args) {
  const r = spawnSync(BIN, args, { cwd: scratch, env: childEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Writes `body` (string → UTF-8, or Buffer) to a fresh temp file and returns the `@FILE` argument.
export function bodyFile(body) {
  const path = join(scratch, `body-${process.pid}-${++fileCount}`);
  writeFileSync(path, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `@${path}`;
}

function dataArg(body, inline) {
  if (inline) {
    assert.equal(typeof body, 'string');
    assert.ok(body !== '' && !body.startsWith('@') && !body.startsWith('-'), 'inline body must be a plain string');
    return body;
  }
  return bodyFile(body);
}

const headerArgs = (headers) =>
  (Array.isArray(headers) ? headers : Object.entries(headers)).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

// `hookctl sign --format json`; asserts exit 0 and the fixed fields, returns the parsed object.
export function sign(provider, body, { secrets = [], privateKey, id, timestamp, url, headers = [], inline = false }) {
  assert.equal(typeof timestamp, 'number');
  const args = ['sign', '--provider', provider];
  for (const s of secrets) args.push(`--secret=${s}`);
  if (privateKey !== undefined) args.push(`--private-key=${privateKey}`);
  if (id !== undefined) args.push('--id', id);
  args.push('--timestamp', String(timestamp));
  if (url !== undefined) args.push('--url', url);
  args.push(...headerArgs(headers), '--format', 'json', '--data', dataArg(body, inline));
  const r = run(args);
  assert.equal(r.status, 0, `hookctl sign exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one JSON line, got: ${r.stdout}`);
  const out = JSON.parse(lines[0]);
  assert.equal(out.provider, provider);
  assert.equal(out.timestamp, timestamp);
  if (id !== undefined) assert.equal(out.id, id);
  assert.equal(typeof out.headers, 'object');
  if (url !== undefined) assert.equal(typeof out.url, 'string');
  return out;
}

// `hookctl verify --json`; checks the verdict object's shape and that exit status and `valid` agree.
export function verify(provider, body, { secrets = [], publicKeys = [], headers, url, now, inline = false }) {
  const args = ['verify', '--provider', provider];
  for (const s of secrets) args.push(`--secret=${s}`);
  for (const k of publicKeys) args.push(`--public-key=${k}`);
  args.push(...headerArgs(headers));
  if (url !== undefined) args.push('--url', url);
  if (now !== undefined) args.push('--now', String(now));
  args.push('--json', '--data', dataArg(body, inline));
  const r = run(args);
  let verdict;
  try {
    verdict = JSON.parse(r.stdout);
  } catch {
    assert.fail(`hookctl verify exited ${r.status} without a JSON verdict; stdout=${r.stdout} stderr=${r.stderr}`);
  }
  assert.deepEqual(Object.keys(verdict).sort(), ['code', 'provider', 'reason', 'valid']);
  assert.equal(verdict.provider, provider);
  assert.equal(typeof verdict.reason, 'string');
  assert.equal(verdict.valid, r.status === 0, `exit ${r.status} but valid=${verdict.valid}`);
  return { status: r.status, verdict, stderr: r.stderr };
}

export function assertValid(r) {
  assert.equal(r.status, 0, `expected exit 0, got ${r.status}: ${JSON.stringify(r.verdict)}`);
  assert.equal(r.verdict.valid, true);
  assert.equal(r.verdict.code, 'match');
}

export function assertInvalid(r, code) {
  assert.equal(r.status, 1, `expected exit 1, got ${r.status}: ${JSON.stringify(r.verdict)}`);
  assert.equal(r.verdict.valid, false);
  assert.equal(r.verdict.code, code, r.verdict.reason);
}

// The body with exactly one byte changed: its last ASCII digit moves to the next digit.
export function changeOneByte(body) {
  const i = body.search(/\d(?!.*\d)/s);
  assert.ok(i >= 0, 'test body needs a digit to change');
  const changed = body.slice(0, i) + String((Number(body[i]) + 1) % 10) + body.slice(i + 1);
  assert.equal(Buffer.byteLength(changed), Buffer.byteLength(body));
  return changed;
}

// A string secret with its last character replaced (one byte different, same length).
export function changeLastChar(s) {
  const last = s.at(-1);
  return s.slice(0, -1) + (last === 'x' ? 'y' : 'x');
}

// A `whsec_` + base64 secret whose decoded key differs in its first byte.
export function changeWhsecKey(secret) {
  const prefix = secret.startsWith('whsec_') ? 'whsec_' : '';
  const key = Buffer.from(secret.slice(prefix.length), 'base64');
  key[0] ^= 0x01;
  return prefix + key.toString('base64');
}
