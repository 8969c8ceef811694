// The secret access key never leaves the process, whatever goes wrong: the fault cases run as real
// processes (dist/main.js, LOG_LEVEL=debug) with a distinctive secret, including faults whose AWS
// messages echo it back, a document that carries it, and an INTERNAL error logged with its stack;
// every byte of stdout and stderr is searched for it.
import t, { type Test } from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { startConnector, type ConnectorProcess } from '../../fixtures/connector-process.js';
import { FaultProxy, type Rule } from '../../fixtures/fault-proxy.js';
import { endsCommitted, openRequest, waitFor, wholeLines } from '../../fixtures/fault-checks.js';
import { committedDocs } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const SECRET = 'Fault+Matrix/Secret=9f8e7d6c5b4a3210zyxw';
const ENV = { LOG_LEVEL: 'debug' };
const echo = (what: string): string => `${what} (request signed with secret ${SECRET})`;

const outputs: { name: string; proc: ConnectorProcess }[] = [];

async function table(name: string, items: number): Promise<string> {
  await createStreamTable(client, name);
  for (let i = 0; i < items; i++) await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: `k${i}` }, n: { N: String(i) } } }));
  return name;
}

/** Runs a capture of `name` with `rules` until it fails (expecting `code`) or, for `code` 0, until `until` holds and SIGTERM. */
async function run(t: Test, name: string, rules: Rule[], expect: { code: string } | { until: (p: ConnectorProcess) => boolean }): Promise<ConnectorProcess> {
  const removers = rules.map((r) => proxy.inject(r));
  const proc = startConnector([openRequest(proxy.url, name, {}, { secret: SECRET })], { env: ENV });
  outputs.push({ name: `${name} (${'code' in expect ? expect.code : 'recovers'})`, proc });
  try {
    if ('until' in expect) {
      await waitFor(() => expect.until(proc), `${name}: the capture got through its faults`);
      proc.child.kill('SIGTERM');
      t.equal((await proc.exited).code, 0, `${name}: exit 0`);
    } else {
      t.equal((await proc.exited).code, 1, `${name}: exit 1`);
      const last = JSON.parse(proc.stderr.at(-1)!) as { code?: string };
      t.equal(last.code, expect.code, `${name}: ${expect.code} as the last stderr line`);
    }
  } finally {
    removers.forEach((r) => r());
  }
  t.ok(wholeLines(proc.raw()) && endsCommitted(proc.lines), `${name}: stdout is whole lines, ending committed`);
  return proc;
}

const forTable = (name: string) => (r: { body: unknown; operation: string }): boolean => JSON.stringify(r.body).includes(name) || r.operation === 'GetRecords';

t.test('transient faults whose messages echo the secret: retried, logged scrubbed', async (t) => {
  const name = await table('secret_transient', 30);
  await run(
    t,
    name,
    [
      { operation: 'Scan', when: forTable(name), times: 2, fault: { awsError: 'ProvisionedThroughputExceededException', message: echo('throttled') } },
      { operation: 'DescribeStream', when: forTable(name), times: 1, fault: { awsError: 'InternalServerError', status: 500, message: echo('internal') } },
      { operation: 'GetShardIterator', when: forTable(name), times: 1, fault: { httpStatus: 503, body: echo('<html>unavailable</html>') } },
      { operation: 'Scan', when: forTable(name), times: 1, fault: { reset: 'mid-body' } },
      { operation: 'GetRecords', times: 1, fault: { awsError: 'ExpiredIteratorException', message: echo('expired') } },
    ],
    { until: (p) => p.lines.some((l) => l.includes('"backfillFinishedAt"')) && proxy.count('GetRecords', 'aws-error') > 0 && committedDocs(p.lines).length >= 30 },
  );
});

t.test('fatal faults whose messages echo the secret: the last log line is scrubbed', async (t) => {
  const name = await table('secret_fatal', 5);
  await run(t, name, [{ operation: 'Scan', when: forTable(name), fault: { awsError: 'AccessDeniedException', message: echo('not authorized to perform dynamodb:Scan') } }], { code: 'AWS_AUTH' });
  await run(t, name, [{ operation: 'DescribeTable', when: forTable(name), fault: { awsError: 'UnrecognizedClientException', message: echo('The security token included in the request is invalid') } }], { code: 'AWS_AUTH' });
  await run(t, name, [{ operation: 'GetRecords', fault: { awsError: 'TrimmedDataAccessException', message: echo('trimmed') } }], { code: 'STREAM_LOST' });
  // A record that carries the secret and cannot be decoded: the message quotes the record.
  await run(t, name, [{ operation: 'GetRecords', fault: { respond: () => ({ json: { Records: [{ eventID: SECRET, eventName: 'BOGUS', dynamodb: { Keys: { pk: { S: SECRET } }, SequenceNumber: '1' } }], NextShardIterator: 'x' } }) } }], { code: 'BAD_DOCUMENT' });
  // A response the capture cannot have expected: an INTERNAL error, logged with its stack.
  const internal = await run(t, name, [{ operation: 'Scan', when: forTable(name), fault: { respond: () => ({ json: { Items: [null], Count: 1, [SECRET]: SECRET } }) } }], { code: 'INTERNAL' });
  const last = JSON.parse(internal.stderr.at(-1)!) as { stack?: string };
  t.ok(last.stack && last.stack.length > 0, 'the INTERNAL error carries its stack');
});

t.test('discover and validate refused with messages that echo the secret', async () => {
  const config = (openRequest(proxy.url, 'x', {}, { secret: SECRET }) as { open: { capture: { config: unknown } } }).open.capture.config;
  const remove = proxy.inject({ operation: ['ListTables', 'DescribeTable'], fault: { awsError: 'AccessDeniedException', message: echo('not authorized') } });
  for (const request of [
    { discover: { connectorType: 'IMAGE', config } },
    { validate: { name: 'test/secrets', connectorType: 'IMAGE', config, bindings: [{ resourceConfig: { table: 'secret_fatal' }, collection: { name: 'test/x', key: ['/pk'], writeSchema: { type: 'object' } }, backfill: 0 }] } },
  ]) {
    const proc = startConnector([request], { env: ENV, closeStdin: true });
    outputs.push({ name: Object.keys(request)[0]!, proc });
    await proc.exited;
  }
  remove();
});

t.test('no output of any run holds the secret', async (t) => {
  t.equal(outputs.length, 8, `${outputs.length} runs`);
  t.ok(proxy.requests.some((r) => JSON.stringify(r.response ?? '').includes(SECRET)), 'AWS responses did echo the secret');
  let redactions = 0;
  for (const { name, proc } of outputs) {
    const everything = proc.raw() + proc.stderr.join('\n');
    t.notOk(everything.includes(SECRET), `${name}: the secret appears nowhere in stdout or stderr`);
    t.notOk(everything.includes(SECRET.slice(0, 16)) || everything.includes(SECRET.slice(-16)), `${name}: nor any long piece of it`);
    redactions += everything.split('[redacted]').length - 1;
  }
  t.ok(redactions > 0, `the logger redacted it where it would have appeared (${redactions} times)`);
});
