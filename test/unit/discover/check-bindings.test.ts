import t from 'tap';
import { awsFailure } from '../../../src/discover/aws-failure.js';
import { checkBindings } from '../../../src/discover/check-bindings.js';
import { ConnectorError } from '../../../src/errors.js';
import { capturingLogger, fakeCatalog, type FakeTable } from './fixtures/fake-catalog.js';

const TABLES: Record<string, FakeTable> = {
  orders: { hash: ['id', 'S'] },
  events: { hash: ['id', 'N'], range: ['at', 'S'] },
  noStream: { hash: ['id', 'S'], stream: null },
  keysOnly: { hash: ['id', 'S'], stream: 'KEYS_ONLY' },
  secret: { hash: ['id', 'S'] },
};
const opts = () => ({ region: 'us-east-1', log: capturingLogger().log });

t.test('good bindings: resource configs in request order, one DescribeTable per distinct table', async (t) => {
  const cat = fakeCatalog(TABLES);
  const out = await checkBindings([{ table: 'events' }, { table: 'orders', rcuAllocation: 50 }], cat, opts());
  t.same(out, [
    { table: 'events', rcuAllocation: undefined },
    { table: 'orders', rcuAllocation: 50 },
  ]);
  t.equal(cat.describeCalls, 2);
});

t.test('every problem at once, each with its binding, table and fix', async (t) => {
  const cat = fakeCatalog(TABLES);
  const err = (await checkBindings(
    [{ table: 'orders' }, { table: 'missing' }, { table: 'noStream' }, { table: 'keysOnly' }, { table: 'orders' }, { rcuAllocation: -1 }, { table: 'events' }],
    cat,
    opts(),
  ).catch((e: unknown) => e)) as ConnectorError;
  t.ok(err instanceof ConnectorError);
  t.equal(err.code, 'VALIDATION_FAILED');
  const lines = err.message.split('\n');
  t.match(lines[0], /^5 of 7 bindings cannot be captured:$/);
  t.match(lines[1], /^binding 1 \(table "missing"\): the table does not exist in region "us-east-1": check its name/);
  t.match(lines[2], /^binding 2 \(table "noStream"\): its DynamoDB stream is not enabled: enable DynamoDB Streams on the table with view type "New and old images"/);
  t.match(lines[3], /^binding 3 \(table "keysOnly"\): its DynamoDB stream has view type KEYS_ONLY/);
  t.match(lines[4], /^binding 4 \(table "orders"\): the table is also bound by binding 0; .*remove one/);
  t.match(lines[5], /^binding 5: resource config is invalid .*\/table: is required/);
  t.equal(lines.length, 6);
  t.same(
    (err.fields.problems as { binding: number }[]).map((p) => p.binding),
    [1, 2, 3, 4, 5],
  );
  t.equal(cat.describeCalls, 5, 'each distinct, parseable table described once');
});

t.test('a table the policy does not allow is that binding’s problem', async (t) => {
  const denied = Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:DescribeTable'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
  const cat = fakeCatalog(TABLES, {
    fail: (op, table) => (op === 'DescribeTable' && table === 'secret' ? awsFailure(denied, { operation: 'DescribeTable', permission: 'dynamodb:DescribeTable', endpoint: 'e', region: 'r', table }) : undefined),
  });
  const err = (await checkBindings([{ table: 'orders' }, { table: 'secret' }], cat, opts()).catch((e: unknown) => e)) as ConnectorError;
  t.equal(err.code, 'VALIDATION_FAILED');
  t.match(err.message, /binding 1 \(table "secret"\): DescribeTable on table "secret" was denied .*grant the IAM permission dynamodb:DescribeTable/);
});

t.test('failures that concern every binding (bad credentials, unreachable) fail validate as they are', async (t) => {
  const unreachable = new ConnectorError('AWS_UNREACHABLE', 'cannot reach');
  const cat = fakeCatalog(TABLES, { fail: (op) => (op === 'DescribeTable' ? unreachable : undefined) });
  await t.rejects(checkBindings([{ table: 'orders' }], cat, opts()), unreachable);
});

t.test('offline (no usable credentials): configs and duplicates only, no AWS call', async (t) => {
  const cat = fakeCatalog({});
  t.same(await checkBindings([{ table: 'anything' }], cat, { ...opts(), offline: true }), [{ table: 'anything', rcuAllocation: undefined }]);
  const err = (await checkBindings([{ table: 'a' }, { table: 'a' }], cat, { ...opts(), offline: true }).catch((e: unknown) => e)) as ConnectorError;
  t.equal(err.code, 'VALIDATION_FAILED');
  t.equal(cat.describeCalls, 0);
});

t.test('no bindings: nothing to check', async (t) => {
  t.same(await checkBindings([], fakeCatalog({}), opts()), []);
});
