import t from 'tap';
import { awsFailure, isUnreachable } from '../../../src/discover/aws-failure.js';
import { ConnectorError } from '../../../src/errors.js';

const ctx = { operation: 'ListTables', permission: 'dynamodb:ListTables', endpoint: 'http://127.0.0.1:1', region: 'us-east-1' };
const sdkError = (name: string, status: number | undefined, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: status === undefined ? { attempts: 3 } : { httpStatusCode: status }, ...extra });

t.test('no HTTP response (refused, unknown host, timeouts) is AWS_UNREACHABLE naming the endpoint and the fix', async (t) => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET']) {
    const err = Object.assign(new Error(`connect ${code}`), { code, $metadata: { attempts: 3 } });
    t.ok(isUnreachable(err), code);
    const e = awsFailure(err, ctx);
    t.equal(e.code, 'AWS_UNREACHABLE', code);
    t.match(e.message, /cannot reach DynamoDB at http:\/\/127\.0\.0\.1:1 .*advanced\.endpoint.*region "us-east-1"/);
  }
  t.equal(awsFailure(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), ctx).code, 'AWS_UNREACHABLE');
});

t.test('a 5xx after retries is an AWS error, not unreachable', async (t) => {
  t.notOk(isUnreachable(sdkError('InternalServerError', 500)));
  t.equal(awsFailure(sdkError('InternalServerError', 500), ctx).code, 'AWS_ERROR');
  t.match(awsFailure(sdkError('ThrottlingException', 400), ctx).message, /throttling or unavailable/);
});

t.test('permission denied names the missing permission; bad credentials say to check them', async (t) => {
  const denied = awsFailure(sdkError('AccessDeniedException', 400), { ...ctx, operation: 'DescribeTable', permission: 'dynamodb:DescribeTable', table: 'orders' });
  t.equal(denied.code, 'AWS_AUTH');
  t.match(denied.message, /DescribeTable on table "orders" was denied .*grant the IAM permission dynamodb:DescribeTable/);
  t.equal(denied.fields.permission, 'dynamodb:DescribeTable');
  const bad = awsFailure(sdkError('UnrecognizedClientException', 400), ctx);
  t.equal(bad.code, 'AWS_AUTH');
  t.match(bad.message, /AWS rejected the credentials for ListTables .*check the access key ID and secret access key.*dynamodb:ListTables/);
});

t.test('not found, unknown failures, and ConnectorErrors passed through', async (t) => {
  t.equal(awsFailure(sdkError('ResourceNotFoundException', 400), ctx).code, 'AWS_NOT_FOUND');
  t.equal(awsFailure(sdkError('SomethingNew', 400), ctx).code, 'AWS_ERROR');
  const mine = new ConnectorError('AWS_AUTH', 'from the credential chain');
  t.equal(awsFailure(mine, ctx), mine);
});

t.test('quoted AWS text is scrubbed of secrets', async (t) => {
  const err = sdkError('UnrecognizedClientException', 400);
  err.message = 'signature for key s3cr3tValue was wrong';
  const e = awsFailure(err, { ...ctx, scrub: (s) => s.split('s3cr3tValue').join('[redacted]') });
  t.notMatch(e.message, 's3cr3tValue');
  t.match(e.message, '[redacted]');
});
