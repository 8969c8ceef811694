// The error a user sees for each class of failed capture call.
import t from 'tap';
import { AwsCallError } from '../../../src/aws/classify.js';
import { captureFailure, isAbort, StreamLostError } from '../../../src/capture/aws-failure.js';
import { ConnectorError } from '../../../src/errors.js';

const where = { binding: 2, table: 'orders' };
const shard = { ...where, shardId: 'shardId-1' };
const err = (name: string, status: number | undefined = 400, code?: string): AwsCallError => new AwsCallError(name, `X: ${name}: boom`, status, 'X', code);
const fail = (e: unknown, w: typeof where, op: string): ConnectorError => captureFailure(e, w, op) as ConnectorError;

t.test('each class gives a code, names binding, table (and shard) and what to do', async (t) => {
  const trimmed = fail(err('TrimmedDataAccessException'), shard, 'GetRecords');
  t.ok(trimmed instanceof StreamLostError, 'trimmed data: a StreamLostError (autoRebackfill may repair it)');
  t.equal(trimmed.code, 'STREAM_LOST');
  t.match(trimmed.message, /^binding 2 \(table "orders"\), shard shardId-1: .*Re-backfill this binding .*advanced\.autoRebackfill/);

  const streamGone = fail(err('ResourceNotFoundException'), shard, 'GetRecords');
  t.equal(streamGone.code, 'STREAM_LOST');
  t.notOk(streamGone instanceof StreamLostError, 'a stream that is gone is not repaired automatically');
  t.equal(fail(err('ResourceNotFoundException'), where, 'Scan').code, 'AWS_NOT_FOUND');

  const denied = fail(err('AccessDeniedException'), where, 'Scan');
  t.equal(denied.code, 'AWS_AUTH');
  t.equal(denied.fields.permission, 'dynamodb:Scan');
  t.match(denied.message, /grant the IAM permission dynamodb:Scan/);
  const rejected = fail(err('UnrecognizedClientException'), shard, 'GetShardIterator');
  t.match(rejected.message, /AWS rejected the credentials for GetShardIterator .*needs dynamodb:GetShardIterator/);

  t.match(fail(err('ThrottlingException'), where, 'Scan'), { code: 'AWS_ERROR', message: /throttled on every attempt.*read capacity/ });
  t.match(fail(err('HTTP503', 503), where, 'Scan'), { code: 'AWS_ERROR', message: /kept failing/ });
  t.match(fail(new AwsCallError('NetworkError', 'connect ECONNREFUSED', undefined, 'DescribeTable', 'ECONNREFUSED'), where, 'DescribeTable'), { code: 'AWS_UNREACHABLE' });
  t.match(fail(err('ValidationException'), where, 'Scan'), { code: 'AWS_ERROR', message: /Scan failed/ });
});

t.test('ConnectorErrors and aborts pass through unchanged', async (t) => {
  const c = new ConnectorError('BAD_DOCUMENT', 'x');
  t.equal(captureFailure(c, where, 'Scan'), c);
  const aborted = new AwsCallError('Aborted', 'cancelled', undefined, 'Scan', 'UND_ERR_ABORTED');
  t.ok(isAbort(aborted));
  t.equal(captureFailure(aborted, where, 'Scan'), aborted);
  const dom = Object.assign(new Error('aborted'), { name: 'AbortError' });
  t.equal(captureFailure(dom, where, 'Scan'), dom);
});
