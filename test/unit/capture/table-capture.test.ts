// The pure parts of a table's capture: its key schema from DescribeTable, and the Scan Limit rule.
import t from 'tap';
import * as tableCapture from '../../../src/capture/table-capture.js';
import { effectiveScanLimit, keySchemaOf, SMALL_BUDGET_SCAN_LIMIT } from '../../../src/capture/table-capture.js';
import { ConnectorError } from '../../../src/errors.js';

t.test('keySchemaOf: HASH then RANGE, typed from AttributeDefinitions whatever their order', async (t) => {
  t.strictSame(
    keySchemaOf(
      {
        KeySchema: [
          { AttributeName: 'rk', KeyType: 'RANGE' },
          { AttributeName: 'id', KeyType: 'HASH' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'gsiKey', AttributeType: 'S' },
          { AttributeName: 'rk', AttributeType: 'B' },
          { AttributeName: 'id', AttributeType: 'N' },
        ],
      },
      't',
    ),
    { hash: { name: 'id', type: 'N' }, range: { name: 'rk', type: 'B' } },
  );
  t.strictSame(keySchemaOf({ KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }, 't'), { hash: { name: 'pk', type: 'S' } }, 'no RANGE: no range');
});

t.test('keySchemaOf: a description without a HASH key is an error naming the table', async (t) => {
  try {
    keySchemaOf({}, 'orders');
    t.fail('no error');
  } catch (e) {
    t.ok(e instanceof ConnectorError, 'a ConnectorError');
    t.match((e as Error).message, /"orders".*HASH|HASH.*"orders"/);
  }
  t.throws(() => keySchemaOf({ KeySchema: [{ AttributeName: 'rk', KeyType: 'RANGE' }] }, 'orders'), /HASH/);
});

t.test('effectiveScanLimit: a configured limit always wins', async (t) => {
  for (const budget of [0, 1, 50, 100, 101, 100000]) t.equal(effectiveScanLimit(7, budget), 7, `budget ${budget}`);
  t.equal(effectiveScanLimit(5000, 3), 5000);
});

t.test("effectiveScanLimit: without one, small budgets (1..100 RCUs) scan 100 items a page (Estuary's rule)", async (t) => {
  for (const budget of [1, 2, 50, 99, 100]) t.equal(effectiveScanLimit(undefined, budget), SMALL_BUDGET_SCAN_LIMIT, `budget ${budget}`);
  t.equal(SMALL_BUDGET_SCAN_LIMIT, 100);
  t.equal(effectiveScanLimit(0, 10), SMALL_BUDGET_SCAN_LIMIT, 'scanLimit 0 means unset');
});

t.test('effectiveScanLimit: unlimited (0) and big budgets share the default page size', async (t) => {
  // The default is the module's (none, or DEFAULT_SCAN_LIMIT where it is defined).
  const expected = (tableCapture as { DEFAULT_SCAN_LIMIT?: number }).DEFAULT_SCAN_LIMIT;
  for (const budget of [0, 101, 1000, 40000]) t.equal(effectiveScanLimit(undefined, budget), expected, `budget ${budget}`);
});
