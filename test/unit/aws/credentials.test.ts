// Credential providers per auth type, against a fake STS on 127.0.0.1 (test/fixtures/fake-sts.ts):
// what AssumeRole is asked, who signs it, when it is asked again, and what each failure says.
import t from 'tap';
import { ASSUMED_ROLE_SESSION_SECONDS, credentialProvider, ROLE_SESSION_PREFIX } from '../../../src/aws/credentials.js';
import type { CredentialsResolved } from '../../../src/config.js';
import { ConnectorError } from '../../../src/errors.js';
import { FakeSts, roleArn, SDK_REFRESH_WINDOW_MS } from '../../fixtures/fake-sts.js';

const sts = await FakeSts.start(t);
const SOURCE = { accessKeyId: 'AKIASOURCEUNIT', secretAccessKey: 'source-secret-unit-7c1d' };
const source = () => Promise.resolve({ ...SOURCE });
const ROLE = roleArn('unit-capture');

const iam = (extra: Partial<Extract<CredentialsResolved, { authType: 'AWSIAM' }>> = {}): CredentialsResolved => ({
  authType: 'AWSIAM',
  roleArn: ROLE,
  awsRegion: 'us-east-1',
  externalId: undefined,
  session: undefined,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

t.beforeEach(() => {
  sts.calls.length = 0;
  sts.lifetimeMs = 3_600_000;
  sts.refuse = () => undefined;
});

t.test('access keys are returned as they are', async (t) => {
  const p = credentialProvider({ authType: 'AWSAccessKey', accessKeyId: 'AKIAUNIT', secretAccessKey: 'k', legacy: false }, { region: 'us-east-1', stsEndpoint: sts.url });
  t.same(await p(), { accessKeyId: 'AKIAUNIT', secretAccessKey: 'k' });
  t.equal(sts.calls.length, 0);
});

t.test("AWSIAM with an injected session uses it and never calls STS (Flow's way)", async (t) => {
  const session = { accessKeyId: 'ASIAINJECTED', secretAccessKey: 'injected-secret', sessionToken: 'injected-token' };
  const p = credentialProvider(iam({ session }), { region: 'us-east-1', stsEndpoint: sts.url, source: () => Promise.reject(new Error('source must not be asked')) });
  t.same(await p(), session);
  t.same(await p(), session);
  t.equal(sts.calls.length, 0);
});

t.test('AWSIAM without a session assumes the role: external ID, session name, signed by the source', async (t) => {
  const assumed: string[] = [];
  const p = credentialProvider(iam({ externalId: 'tenant-42' }), { region: 'us-east-1', stsEndpoint: sts.url, source, onAssumed: (i) => assumed.push(i.roleArn) });
  const all = await Promise.all([p(), p(), p(), p()]);
  t.equal(sts.calls.length, 1, 'requests signed at once share one AssumeRole');
  const [call] = sts.calls;
  t.equal(call!.action, 'AssumeRole');
  t.match(call!.params, { RoleArn: ROLE, ExternalId: 'tenant-42', DurationSeconds: String(ASSUMED_ROLE_SESSION_SECONDS) });
  t.match(call!.params.RoleSessionName, new RegExp(`^${ROLE_SESSION_PREFIX}-\\d+$`));
  t.equal(call!.signedBy, SOURCE.accessKeyId, 'AssumeRole is signed with the source credentials');
  const issued = call!.issued!;
  for (const c of all) t.match(c, { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken });
  t.equal(all[0]!.expiration?.getTime(), issued.expiration.getTime());
  t.same(assumed, [ROLE], 'each assumption is announced once, with the role and no keys');

  await p();
  t.equal(sts.calls.length, 1, 'a session far from expiry is reused');
  const noId = credentialProvider(iam(), { region: 'us-east-1', stsEndpoint: sts.url, source });
  await noId();
  t.notOk('ExternalId' in sts.calls[1]!.params, 'no external ID configured: none sent');
});

t.test('a session inside the refresh window is replaced before it is used', async (t) => {
  sts.lifetimeMs = SDK_REFRESH_WINDOW_MS - 10_000;
  const p = credentialProvider(iam(), { region: 'us-east-1', stsEndpoint: sts.url, source });
  const first = await p();
  const second = await p();
  t.equal(sts.calls.length, 3, 'the memo saw the first session as due and fetched another on each later call');
  t.not(second.accessKeyId, first.accessKeyId);
  t.equal(second.accessKeyId, sts.calls.at(-1)!.issued!.accessKeyId, 'the freshest session signs');
});

t.test('STS refuses: AWS_AUTH naming the role and what to check, never a secret', async (t) => {
  sts.refuse = (call) =>
    call.params.ExternalId === 'right-id' ? undefined : { code: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/src is not authorized to perform: sts:AssumeRole on resource: ${call.params.RoleArn}` };
  const wrong = await rejection(credentialProvider(iam({ externalId: 'wrong-id' }), { region: 'us-east-1', stsEndpoint: sts.url, source })());
  t.equal(wrong.code, 'AWS_AUTH');
  t.match(wrong.message, ROLE);
  t.match(wrong.message, /AccessDenied/);
  t.match(wrong.message, /trust policy/);
  t.match(wrong.message, /that aws_external_id matches the sts:ExternalId condition/);
  t.match(wrong.fields, { roleArn: ROLE, stsEndpoint: sts.url });
  t.notMatch(wrong.message, SOURCE.secretAccessKey);

  const none = await rejection(credentialProvider(iam(), { region: 'us-east-1', stsEndpoint: sts.url, source })());
  t.match(none.message, /if the trust policy has an sts:ExternalId condition, aws_external_id is set to it/, 'without an external ID, the message suggests one');
  t.ok(await credentialProvider(iam({ externalId: 'right-id' }), { region: 'us-east-1', stsEndpoint: sts.url, source })(), 'the right external ID is let in');
});

t.test('no source credentials: AWS_AUTH saying where the connector looks for them', async (t) => {
  const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
  const e = await rejection(credentialProvider(iam(), { region: 'us-east-1', stsEndpoint: sts.url, source: () => Promise.reject(missing) })());
  t.equal(e.code, 'AWS_AUTH');
  t.match(e.message, ROLE);
  t.match(e.message, /no source credentials/);
  t.match(e.message, /AWS_WEB_IDENTITY_TOKEN_FILE/);
  t.equal(sts.calls.length, 0, 'nothing reached STS');
});

t.test('an unreachable STS endpoint: AWS_UNREACHABLE naming it', async (t) => {
  const e = await rejection(credentialProvider(iam(), { region: 'us-east-1', stsEndpoint: 'http://127.0.0.1:1', source })());
  t.equal(e.code, 'AWS_UNREACHABLE');
  t.match(e.message, /STS at http:\/\/127\.0\.0\.1:1/);
  t.match(e.message, /advanced\.stsEndpoint/);
});
