// Authentication without Flow's injection, end to end: the built connector (dist/main.js) runs as
// a child process whose environment holds the AWS_* variables of each case, against a fake STS
// (test/fixtures/fake-sts.ts) and DynamoDB Local behind recording proxies that read the access key
// out of every request's SigV4 Authorization header. So each case asserts what STS was asked, and
// whose credentials signed the DynamoDB and Streams requests that followed.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createStreamTable, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';
import { startConnector, type ConnectorProcess } from '../fixtures/connector-process.js';
import { backfillDone, endsCommitted, wholeLines } from '../fixtures/fault-checks.js';
import { FakeSts, roleArn, SDK_REFRESH_WINDOW_MS } from '../fixtures/fake-sts.js';
import { SigningRecorder } from '../fixtures/signing-recorder.js';
import { committedDocs } from '../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);

/** Items per table: a backfill of a few Scan pages (scanLimit 10 below). */
const ITEMS = 12;
/** Sessions live this much longer than the SDK's refresh window: each is renewed this long after it is issued. */
const RENEW_AFTER_MS = 2_000;
/** Longest wait for a condition of a running connector: a guard against hanging, not a timing assertion. */
const WAIT_DEADLINE_MS = 60_000;

const SOURCE = { accessKeyId: 'AKIASOURCEAUTHTEST', secretAccessKey: 'Source/Secret+auth-test-5e6f7a8b9c0d' };
const WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoLXRlc3QifQ.web-identity-token-4d3c2b1a';
const PROFILE_BASE = { accessKeyId: 'AKIAPROFILEBASETEST', secretAccessKey: 'Profile/Base+secret-1a2b3c4d5e6f' };
const INJECTED = { accessKeyId: 'ASIAINJECTEDAUTHTEST', secretAccessKey: 'Injected/Secret+auth-9a8b7c6d', sessionToken: 'InjectedSessionToken+auth-test-0f1e2d3c' };

const tmp = mkdtempSync(join(tmpdir(), 'source-dynamodb-auth-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The child's AWS environment, emptied of whatever the test runner has: no keys, no profile, no
 * shared files, no instance metadata, so each case sees only what it sets itself.
 */
const ISOLATED: NodeJS.ProcessEnv = {
  LOG_LEVEL: 'debug',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_DEFAULT_PROFILE: '',
  AWS_REGION: '',
  AWS_DEFAULT_REGION: '',
  AWS_CONFIG_FILE: join(tmp, 'absent-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'absent-credentials'),
  AWS_WEB_IDENTITY_TOKEN_FILE: '',
  AWS_ROLE_ARN: '',
  // Empty would be sent as an empty RoleSessionName (the SDK defaults only an absent one).
  AWS_ROLE_SESSION_NAME: 'auth-test',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Every run, so the last test can search all their output for secrets. */
const runs: { name: string; proc: ConnectorProcess }[] = [];
/** Every fake STS started: the sessions they issued are secrets the runs must keep too. */
const stsServers: FakeSts[] = [];
/** Secrets every run must keep to itself, besides the issued sessions: source keys, tokens, injected keys. */
const SECRETS = [SOURCE.secretAccessKey, WEB_TOKEN, PROFILE_BASE.secretAccessKey, INJECTED.secretAccessKey, INJECTED.sessionToken];

async function startSts(t: Test): Promise<FakeSts> {
  const sts = await FakeSts.start(t);
  stsServers.push(sts);
  return sts;
}

async function table(name: string): Promise<string> {
  await createStreamTable(client, name);
  for (let i = 0; i < ITEMS; i++) await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: `k${i}` }, n: { N: String(i) } } }));
  return name;
}

const put = (name: string, pk: string) => client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk }, n: { N: '0' } } }));

function config(credentials: Record<string, unknown>, advanced: Record<string, unknown>): Record<string, unknown> {
  return { region: 'us-east-1', credentials, advanced: { backfillSegments: 2, scanLimit: 10, idleBackoffMax: 1, ...advanced } };
}

function openRequest(cfg: Record<string, unknown>, name: string): unknown {
  return {
    open: {
      capture: {
        name: 'test/auth',
        config: cfg,
        bindings: [{ resourceConfig: { table: name }, resourcePath: [name], collection: { name: `test/${name}`, key: ['/pk'], writeSchema: { type: 'object', reduce: { strategy: 'merge' } } }, stateKey: `${name}.v1` }],
      },
      state: {},
    },
  };
}

function start(name: string, request: unknown, env: NodeJS.ProcessEnv = {}): ConnectorProcess {
  const proc = startConnector([request], { env: { ...ISOLATED, ...env } });
  runs.push({ name, proc });
  return proc;
}

/** Waits until `cond` holds; fails at once, with the connector's last log lines, if it exits first. */
async function until(proc: ConnectorProcess, cond: () => boolean, what: string): Promise<void> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const deadline = Date.now() + WAIT_DEADLINE_MS;
  while (!cond()) {
    if (exited || Date.now() > deadline) throw new Error(`${exited ? 'the connector exited' : 'gave up waiting'} before ${what}:\n${proc.stderr.slice(-5).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hasDoc = (proc: ConnectorProcess, pk: string): boolean => committedDocs(proc.lines).some(({ doc }) => doc.pk === pk);

/** Backfill committed, then one item written and read back from the stream: both services were used. */
async function captureBothWays(proc: ConnectorProcess, name: string): Promise<void> {
  await until(proc, () => backfillDone(proc.lines, `${name}.v1`) && committedDocs(proc.lines).length >= ITEMS, 'the backfill is committed');
  await put(name, 'from-stream');
  await until(proc, () => hasDoc(proc, 'from-stream'), 'an item written after the backfill is captured from the stream');
}

async function stop(t: Test, proc: ConnectorProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  t.equal((await proc.exited).code, 0, 'exit 0 on SIGTERM');
  t.ok(wholeLines(proc.raw()) && endsCommitted(proc.lines), 'stdout is whole lines, ending committed');
}

/** The final error line of a failed run. */
async function failure(t: Test, proc: ConnectorProcess): Promise<{ code?: string; msg?: string }> {
  t.equal((await proc.exited).code, 1, 'exit 1');
  return JSON.parse(proc.stderr.at(-1)!) as { code?: string; msg?: string };
}

t.test('AWSIAM without injected keys: the connector assumes the role with its external ID and renews the session mid-capture', async (t) => {
  const sts = await startSts(t);
  const rec = await SigningRecorder.start(endpoint, t);
  const ROLE = roleArn('capture-assumed');
  const EXTERNAL_ID = 'tenant-7f3a:prod';
  // The trust policy: only the source identity, only with the external ID.
  sts.refuse = (c) => (c.signedBy === SOURCE.accessKeyId && c.params.ExternalId === EXTERNAL_ID ? undefined : { code: 'AccessDenied', message: 'not trusted' });
  sts.lifetimeMs = SDK_REFRESH_WINDOW_MS + RENEW_AFTER_MS;
  const name = await table('auth_assumed');
  const cfg = config({ auth_type: 'AWSIAM', aws_role_arn: ROLE, aws_region: 'us-east-1', aws_external_id: EXTERNAL_ID }, { endpoint: rec.url, stsEndpoint: sts.url });
  const proc = start('assumed role', openRequest(cfg, name), { AWS_ACCESS_KEY_ID: SOURCE.accessKeyId, AWS_SECRET_ACCESS_KEY: SOURCE.secretAccessKey });

  await until(proc, () => backfillDone(proc.lines, `${name}.v1`), 'the backfill is committed');
  const [first] = sts.calls;
  t.match(first, { action: 'AssumeRole', params: { RoleArn: ROLE, ExternalId: EXTERNAL_ID }, signedBy: SOURCE.accessKeyId }, 'STS was asked for the role, with the external ID, by the source identity');
  t.match(first!.params.RoleSessionName, /^source-dynamodb-\d+$/);
  t.equal(rec.requests[0]!.accessKeyId, first!.issued!.accessKeyId, 'the first DynamoDB request is signed with the issued session');
  t.notOk(rec.requests.some((r) => r.accessKeyId === SOURCE.accessKeyId), 'the source keys never sign DynamoDB requests');

  const firstKey = first!.issued!.accessKeyId;
  await until(proc, () => sts.issued().length >= 2 && rec.requests.some((r) => r.service === 'streams' && r.accessKeyId !== firstKey), 'a renewed session signs Streams requests');
  t.ok(sts.issued().length >= 2, 'STS was called again during the capture, before the first session expired');
  const renewed = rec.requests.length;
  await put(name, 'after-renewal');
  await until(proc, () => hasDoc(proc, 'after-renewal'), 'an item written after the renewal is captured');
  t.ok(rec.requests.slice(renewed).every((r) => r.accessKeyId !== firstKey), 'later requests are signed with renewed keys only');
  t.ok(rec.requests.every((r) => r.accessKeyId !== undefined && sts.issuerOf(r.accessKeyId) !== undefined && r.sessionToken), 'every request is signed with a session STS issued, token included');
  t.ok(sts.calls.every((c) => c.params.RoleArn === ROLE && c.params.ExternalId === EXTERNAL_ID && c.issued), 'every renewal asks for the same role with the external ID, and gets it');
  t.ok(proc.stderr.filter((l) => l.includes('"assumed the IAM role"')).length >= 2, 'each assumption is logged');
  await stop(t, proc);
  t.equal(new Set(committedDocs(proc.lines).map(({ doc }) => String(doc.pk)).filter((pk) => pk.startsWith('k'))).size, ITEMS, 'every item of the table was captured');
});

t.test("AWSIAM with injected session keys uses them and never calls STS (Flow's way)", async (t) => {
  const sts = await startSts(t);
  const rec = await SigningRecorder.start(endpoint, t);
  const name = await table('auth_injected');
  const injected = { aws_access_key_id: INJECTED.accessKeyId, aws_secret_access_key: INJECTED.secretAccessKey, aws_session_token: INJECTED.sessionToken };
  const cfg = config({ auth_type: 'AWSIAM', aws_role_arn: roleArn('flow'), aws_region: 'us-east-1', ...injected }, { endpoint: rec.url, stsEndpoint: sts.url });
  const proc = start('injected session', openRequest(cfg, name), { AWS_ACCESS_KEY_ID: SOURCE.accessKeyId, AWS_SECRET_ACCESS_KEY: SOURCE.secretAccessKey });
  await captureBothWays(proc, name);
  await stop(t, proc);
  t.equal(sts.calls.length, 0, 'STS was never called');
  t.same(rec.keys(), [INJECTED.accessKeyId], 'every request is signed with the injected key');
  t.ok(rec.requests.every((r) => r.sessionToken), 'with the injected session token');
});

t.test('default chain: web identity from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN', async (t) => {
  const sts = await startSts(t);
  const rec = await SigningRecorder.start(endpoint, t);
  const tokenFile = join(tmp, 'web-identity-token');
  writeFileSync(tokenFile, WEB_TOKEN);
  const ROLE = roleArn('web-identity');
  const name = await table('auth_web_identity');
  const cfg = config({ auth_type: 'AWSDefaultChain' }, { endpoint: rec.url, stsEndpoint: sts.url });
  const proc = start('web identity', openRequest(cfg, name), { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: ROLE, AWS_ROLE_SESSION_NAME: 'auth-test-web' });
  await captureBothWays(proc, name);
  await stop(t, proc);
  const calls = sts.seen('AssumeRoleWithWebIdentity');
  t.equal(calls.length, sts.calls.length, 'only AssumeRoleWithWebIdentity was called');
  t.match(calls[0], { params: { RoleArn: ROLE, RoleSessionName: 'auth-test-web', WebIdentityToken: WEB_TOKEN }, signedBy: undefined }, 'STS got the role and the token file’s token, unsigned');
  t.ok(rec.requests.length > 0 && rec.requests.every((r) => r.accessKeyId !== undefined && sts.issuerOf(r.accessKeyId) !== undefined), 'every request is signed with the web identity session');
  t.ok(rec.keys('streams').length > 0, 'Streams requests too');
});

t.test('default chain: a profile role (role_arn + source_profile) and a plain keys profile, from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async (t) => {
  const sts = await startSts(t);
  const ROLE = roleArn('profile-role');
  const configFile = join(tmp, 'aws-config');
  const credentialsFile = join(tmp, 'aws-credentials');
  writeFileSync(configFile, `[profile dev]\nrole_arn = ${ROLE}\nsource_profile = base\nexternal_id = profile-ext-id\nrole_session_name = auth-test-profile\n`);
  writeFileSync(credentialsFile, `[base]\naws_access_key_id = ${PROFILE_BASE.accessKeyId}\naws_secret_access_key = ${PROFILE_BASE.secretAccessKey}\n`);
  const env = { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
  const name = await table('auth_profile');

  await t.test('profile role: assumed with the source profile’s keys', async (t) => {
    const rec = await SigningRecorder.start(endpoint, t);
    const proc = start('profile role', openRequest(config({ auth_type: 'AWSDefaultChain', profile: 'dev' }, { endpoint: rec.url, stsEndpoint: sts.url }), name), env);
    await captureBothWays(proc, name);
    await stop(t, proc);
    t.match(sts.calls, [{ action: 'AssumeRole', params: { RoleArn: ROLE, ExternalId: 'profile-ext-id', RoleSessionName: 'auth-test-profile' }, signedBy: PROFILE_BASE.accessKeyId }], 'one AssumeRole, signed by the source profile');
    t.same(rec.keys(), [sts.issued()[0]!.accessKeyId], 'every request is signed with the assumed session');
  });

  await t.test('plain keys profile: its keys sign, no STS', async (t) => {
    const rec = await SigningRecorder.start(endpoint, t);
    const before = sts.calls.length;
    await put(name, 'from-stream-2');
    const proc = start('keys profile', openRequest(config({ auth_type: 'AWSDefaultChain', profile: 'base' }, { endpoint: rec.url, stsEndpoint: sts.url }), name), env);
    await until(proc, () => backfillDone(proc.lines, `${name}.v1`) && hasDoc(proc, 'from-stream-2'), 'the table is captured');
    await stop(t, proc);
    t.equal(sts.calls.length, before, 'STS was not called');
    t.same(rec.keys(), [PROFILE_BASE.accessKeyId], "every request is signed with the profile's key");
    t.notOk(rec.requests.some((r) => r.sessionToken), 'without a session token');
  });
});

t.test('STS refuses or cannot be asked: AWS_AUTH naming the role and the fix', async (t) => {
  const sts = await startSts(t);
  const ROLE = roleArn('not-trusting');
  sts.refuse = (c) => ({ code: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/source is not authorized to perform: sts:AssumeRole on resource: ${c.params.RoleArn}` });
  const name = await table('auth_denied');
  const creds = { auth_type: 'AWSIAM', aws_role_arn: ROLE, aws_region: 'us-east-1', aws_external_id: 'wrong-id' };
  const cfg = config(creds, { endpoint, stsEndpoint: sts.url });
  const sourceEnv = { AWS_ACCESS_KEY_ID: SOURCE.accessKeyId, AWS_SECRET_ACCESS_KEY: SOURCE.secretAccessKey };

  const opened = await failure(t, start('denied open', openRequest(cfg, name), sourceEnv));
  t.equal(opened.code, 'AWS_AUTH', 'open: AWS_AUTH');
  t.match(opened.msg, ROLE, 'naming the role');
  t.match(opened.msg, /AccessDenied/);
  t.match(opened.msg, /trust policy allows sts:AssumeRole/, 'and the trust policy to fix');
  t.match(opened.msg, /aws_external_id matches the sts:ExternalId condition/, 'and the external ID');
  t.match(sts.calls[0], { params: { RoleArn: ROLE, ExternalId: 'wrong-id' } });

  const discover = startConnector([{ discover: { connectorType: 'IMAGE', config: cfg } }], { env: { ...ISOLATED, ...sourceEnv }, closeStdin: true });
  runs.push({ name: 'denied discover', proc: discover });
  const discovered = await failure(t, discover);
  t.equal(discovered.code, 'AWS_AUTH', 'discover (the SDK client path): AWS_AUTH');
  t.match(discovered.msg, ROLE);

  const noSource = await failure(t, start('no source credentials', openRequest(cfg, name)));
  t.equal(noSource.code, 'AWS_AUTH', 'no source credentials: AWS_AUTH');
  t.match(noSource.msg, ROLE);
  t.match(noSource.msg, /no source credentials/);

  const tokenFile = join(tmp, 'refused-web-identity-token');
  writeFileSync(tokenFile, WEB_TOKEN);
  const webEnv = { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: ROLE };
  const web = await failure(t, start('refused web identity', openRequest(config({ auth_type: 'AWSDefaultChain' }, { endpoint, stsEndpoint: sts.url }), name), webEnv));
  t.equal(web.code, 'AWS_AUTH', 'a web identity role STS refuses: AWS_AUTH');
  t.match(web.msg, /refused it \(AccessDenied/);
  t.match(web.msg, /sts:AssumeRoleWithWebIdentity/, 'naming the trust policy permission');
  t.match(sts.seen('AssumeRoleWithWebIdentity').at(-1), { params: { RoleArn: ROLE } });
});

t.test('streamsEndpoint: Streams requests go to their own host, DynamoDB requests to advanced.endpoint', async (t) => {
  const tables = await SigningRecorder.start(endpoint, t);
  const streams = await SigningRecorder.start(endpoint, t);
  const name = await table('auth_streams_endpoint');
  const cfg = config({ auth_type: 'AWSAccessKey', aws_access_key_id: 'AKIASTREAMSENDPOINT', aws_secret_access_key: SOURCE.secretAccessKey }, { endpoint: tables.url, streamsEndpoint: streams.url });
  const proc = start('streams endpoint', openRequest(cfg, name));
  await captureBothWays(proc, name);
  await stop(t, proc);
  t.ok(tables.requests.some((r) => r.operation === 'Scan'), 'the backfill went to advanced.endpoint');
  t.ok(tables.requests.every((r) => r.service === 'dynamodb'), 'advanced.endpoint got DynamoDB requests only');
  t.ok(streams.requests.some((r) => r.operation === 'GetRecords'), 'the stream was read at advanced.streamsEndpoint');
  t.ok(streams.requests.every((r) => r.service === 'streams'), 'advanced.streamsEndpoint got Streams requests only');
});

t.test('no run printed a secret: source keys, web identity token, injected or issued sessions', async (t) => {
  t.ok(runs.length >= 7, `${runs.length} runs`);
  const issued = stsServers.flatMap((s) => s.issued().flatMap((c) => [c.secretAccessKey, c.sessionToken]));
  t.ok(issued.length >= 4, `${issued.length / 2} sessions were issued`);
  for (const { name, proc } of runs) {
    const everything = proc.raw() + proc.stderr.join('\n');
    const leaked = [...SECRETS, ...issued].filter((s) => everything.includes(s)).map((s) => `${s.slice(0, 4)}…`);
    t.same(leaked, [], `${name}: no secret appears in stdout or stderr`);
  }
});
