import t, { type Test } from 'tap';
import { ConnectorError } from '../../../src/errors.js';
import { createAjv, getAjv } from '../../../src/protocol/ajv.js';
import { checkResponse, describeErrors, parseRequest, REQUEST_VERBS, splitRequest } from '../../../src/protocol/validator.js';
import { documentMetaSchema, endpointConfigSchema } from '../../../src/generated/schemas.js';

function failure(t: Test, fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (e) {
    t.type(e, ConnectorError);
    t.equal((e as ConnectorError).code, code);
    return (e as ConnectorError).message;
  }
  t.fail('expected an error');
  return '';
}

const collection = { name: 'acmeCo/orders', key: ['/customerId', '/orderId'], writeSchema: { type: 'object' } };
const binding = { resourceConfig: { table: 'orders' }, collection, stateKey: 'orders.v1' };
const capture = (bindings: unknown[] = [binding]) => ({
  name: 'acmeCo/dynamodb',
  connectorType: 'IMAGE',
  config: { region: 'us-east-1' },
  bindings,
});

t.test('each verb parses and splits', async (t) => {
  const lines: [string, unknown][] = [
    ['spec', { spec: { connectorType: 'IMAGE', config: {} } }],
    ['discover', { discover: { connectorType: 'IMAGE', config: { region: 'us-east-1' } } }],
    ['validate', { validate: { name: 'acmeCo/dynamodb', config: {}, bindings: [{ resourceConfig: { table: 'orders' }, collection, backfill: 1 }] } }],
    ['apply', { apply: { capture: capture(), version: '11:22:33:44' } }],
    ['open', { open: { capture: capture(), version: 'v', range: { keyEnd: 4294967295, rClockEnd: 4294967295 }, state: {} } }],
    ['acknowledge', { acknowledge: { checkpoints: 1 } }],
  ];
  t.same(REQUEST_VERBS, lines.map(([v]) => v));
  for (const [verb, line] of lines) {
    const req = parseRequest(structuredClone(line));
    const parts = splitRequest(req);
    t.equal(parts.verb, verb);
    t.match(parts.body, (line as Record<string, unknown>)[verb], `${verb} body kept`);
  }
});

t.test('absent zero values are filled in', async (t) => {
  const open = splitRequest(parseRequest({ open: { capture: capture(), range: { keyEnd: 4294967295, rClockEnd: 4294967295 } } }));
  if (open.verb !== 'open') throw new Error('unreachable');
  t.same(open.body.range, { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 });
  t.same(open.body.state, {});
  t.equal(open.body.version, '');
  t.equal(open.body.capture.intervalSeconds, 0);
  t.equal(open.body.capture.bindings[0]!.backfill, 0);
  t.same(open.body.capture.bindings[0]!.resourcePath, []);

  const noRange = splitRequest(parseRequest({ open: { capture: capture([]) } }));
  if (noRange.verb !== 'open') throw new Error('unreachable');
  t.same(noRange.body.range, { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 }, 'no range = everything');
  t.same(noRange.body.capture.bindings, []);

  const nullState = splitRequest(parseRequest({ open: { capture: capture([]), state: null } }));
  t.equal((nullState.body as { state: unknown }).state, null, 'an explicit null state is kept for parseState');

  t.same(parseRequest({ acknowledge: {} }), { acknowledge: { checkpoints: 0 } });
  t.same(parseRequest({ spec: {} }), { spec: { config: {} } });
  t.same(parseRequest({ validate: { config: {} } }), { validate: { config: {}, name: '', bindings: [] } });
  const v = splitRequest(parseRequest({ validate: { config: {}, bindings: [{ resourceConfig: { table: 'a' } }] } }));
  t.same((v.body as { bindings: unknown[] }).bindings, [{ resourceConfig: { table: 'a' }, backfill: 0 }]);
});

t.test('explicit zeros are accepted as they are', async (t) => {
  const line = { open: { capture: capture(), range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 }, state: {}, version: '' } };
  t.same(parseRequest(structuredClone(line)), { open: { ...line.open, capture: { ...capture(), intervalSeconds: 0, bindings: [{ ...binding, resourcePath: [], backfill: 0 }] } } });
});

t.test('unknown fields are tolerated everywhere in requests', async (t) => {
  const line = {
    $internal: 'AAEC',
    open: {
      capture: { ...capture(), shardTemplate: { id: 'x' }, recoveryLogTemplate: {}, bindings: [{ resourceConfig: { table: 'o' }, collection: { ...collection, projections: [{ field: 'x' }], ackTemplate: {} }, stateKey: 'o', later: 1 }] },
      laterAddition: true,
    },
  };
  const req = parseRequest(line);
  t.equal((req as unknown as typeof line).$internal, 'AAEC');
  t.equal(splitRequest(req).verb, 'open');
});

t.test('unknown, missing and several verbs', async (t) => {
  t.equal(
    failure(t, () => parseRequest({ foo: {} }), 'BAD_REQUEST'),
    "unknown request verb 'foo': expected one of spec, discover, validate, apply, open, acknowledge",
  );
  t.match(failure(t, () => parseRequest({}), 'BAD_REQUEST'), /request has no verb: expected one of spec, discover/);
  t.match(failure(t, () => parseRequest({ $internal: 'x' }), 'BAD_REQUEST'), /request has no verb/);
  t.match(failure(t, () => parseRequest({ spec: {}, open: {} }), 'BAD_REQUEST'), /several verbs \(spec, open\): send exactly one per line/);
  t.match(failure(t, () => parseRequest([]), 'BAD_REQUEST'), /must be a JSON object.*got array/);
  t.match(failure(t, () => parseRequest(null), 'BAD_REQUEST'), /got null/);
});

t.test('every problem of a request is listed with its pointer', async (t) => {
  const msg = failure(
    t,
    () => parseRequest({ open: { capture: { bindings: [{ collection: { key: ['customerId'] }, backfill: -1 }] }, range: { keyBegin: 'x' }, state: 5 } }),
    'BAD_REQUEST',
  );
  for (const re of [
    /^open request is invalid \(9 problems\)/,
    /\/open\/capture\/config: is required/,
    /\/open\/capture\/bindings\/0\/resourceConfig: is required/,
    /\/open\/capture\/bindings\/0\/stateKey: is required/,
    /\/open\/capture\/bindings\/0\/collection\/name: is required/,
    /\/open\/capture\/bindings\/0\/collection\/writeSchema: is required/,
    /\/open\/capture\/bindings\/0\/collection\/key\/0: is not valid/,
    /\/open\/capture\/bindings\/0\/backfill: must be >= 0/,
    /\/open\/range\/keyBegin: must be integer, not string/,
    /\/open\/state: must be object or null, not integer/,
  ]) {
    t.match(msg, re);
  }
  t.notMatch(msg, /\/spec|\/discover/, 'other verbs are not blamed');
  t.match(failure(t, () => parseRequest({ acknowledge: { checkpoints: 1.5 } }), 'BAD_REQUEST'), /\/acknowledge\/checkpoints: must be integer, not number/);
  t.match(failure(t, () => parseRequest({ discover: {} }), 'BAD_REQUEST'), /\/discover\/config: is required/);
});

t.test('responses conform or fail as bugs', async (t) => {
  const good: unknown[] = [
    { spec: { protocol: 3032023, configSchema: endpointConfigSchema, resourceConfigSchema: {}, documentationUrl: 'https://example.com/x', resourcePathPointers: ['/table'] } },
    { discovered: { bindings: [{ recommendedName: 'orders', resourceConfig: { table: 'orders' }, documentSchema: { type: 'object' }, key: ['/a', '/b'] }] } },
    { validated: { bindings: [{ resourcePath: ['orders'] }] } },
    { applied: {} },
    { opened: {} },
    { opened: { explicitAcknowledgements: true } },
    { captured: { doc: { _meta: { op: 'c', snapshot: true }, a: 1 } } },
    { captured: { binding: 3, doc: {} } },
    { sourcedSchema: { binding: 3, documentSchema: { type: 'string', format: 'date-time' } } },
    { checkpoint: { state: { updated: {}, mergePatch: true } } },
    { checkpoint: { state: { updated: { bindingStateV1: { a: { shards: { s: null } } } } } } },
  ];
  for (const msg of good) checkResponse(msg);
  t.pass('all good responses conform');

  t.match(failure(t, () => checkResponse({ checkpoint: {} }), 'INTERNAL'), /\/checkpoint\/state: is required.*bug in source-dynamodb/);
  t.match(failure(t, () => checkResponse({ captured: { binding: 1, doc: {}, extra: 1 } }), 'INTERNAL'), /\/captured\/extra: unknown property/);
  t.match(failure(t, () => checkResponse({ opened: {}, captured: { doc: {} } }), 'INTERNAL'), /has several of/);
  t.match(failure(t, () => checkResponse({ nope: {} }), 'INTERNAL'), /needs exactly one of spec, discovered/);
  t.match(failure(t, () => checkResponse({ spec: { protocol: 1 } }), 'INTERNAL'), /\/spec\/protocol: must be 3032023/);
  t.match(failure(t, () => checkResponse({ validated: { bindings: [{ resourcePath: [] }] } }), 'INTERNAL'), /resourcePath: must NOT have fewer than 1 items/);
});

t.test('the Ajv configuration', async (t) => {
  t.equal(getAjv(), getAjv(), 'memoized');
  const ajv = createAjv();
  t.not(ajv, getAjv(), 'the factory makes a new instance');
  t.throws(() => ajv.compile({ type: 'object', titel: 'typo' }), /unknown keyword: "titel"/, 'strict: unknown keywords are errors');
  t.throws(() => ajv.compile({ type: 'string', format: 'no-such-format' }), /unknown format/);
  t.throws(() => ajv.compile({ reduce: { strategy: 'average' } }), /reduce/, 'reduce strategies are checked');
  t.throws(() => ajv.compile({ reduce: { strategy: 'merge', keys: ['/a'] } }), /reduce/, 'unknown reduce options are rejected');

  // Our discovered document schema (PROTOCOL.md §3.3) compiles and validates documents.
  const { title: _title, description: _description, ...meta } = documentMetaSchema;
  const doc = ajv.compile({
    $defs: {
      orders: {
        type: 'object',
        $anchor: 'orders',
        required: ['customerId', 'orderId'],
        properties: { customerId: { type: 'string' }, orderId: { type: 'string', format: 'number' }, blob: { type: 'string', contentEncoding: 'base64' } },
      },
    },
    allOf: [
      {
        required: ['_meta'],
        properties: { _meta: { ...meta, properties: { ...(meta.properties as object), before: { $ref: '#orders', reduce: { strategy: 'firstWriteWins' } } } } },
        if: { required: ['_meta'], properties: { _meta: { required: ['op'], properties: { op: { const: 'd' } } } } },
        then: { reduce: { strategy: 'merge', delete: true } },
        else: { reduce: { strategy: 'merge' } },
      },
      { $ref: '#orders' },
    ],
    'x-infer-schema': true,
  });
  t.ok(doc({ _meta: { op: 'c', snapshot: true }, customerId: 'c-17', orderId: '42' }));
  t.ok(doc({ _meta: { op: 'd', before: { customerId: 'c', orderId: '1e3' } }, customerId: 'c', orderId: '-0.5', status: null }));
  t.notOk(doc({ _meta: { op: 'x' }, customerId: 'c', orderId: '42' }));
  t.notOk(doc({ _meta: { op: 'c' }, customerId: 'c', orderId: '4 2' }), 'format number is checked');
  t.notOk(doc({ _meta: { op: 'u', approximateCreationDateTime: 'yesterday' }, customerId: 'c', orderId: '1' }));

  const num = ajv.compile({ type: 'string', format: 'number' });
  for (const ok of ['0', '-1', '3.25', '1e-7', '12345678901234567890123456789012345678', 'NaN', 'Infinity', '-Infinity']) t.ok(num(ok), `number ${ok}`);
  for (const bad of ['', '01', '+1', '.5', '5.', '1,5', 'nan']) t.notOk(num(bad), `not number ${bad}`);
  const int = ajv.compile({ type: 'string', format: 'integer' });
  t.ok(int('-42'));
  t.notOk(int('4.2'));
  t.ok(ajv.compile({ type: 'object', secret: true, advanced: true, order: 1, multiline: true, nonsensitive: true, 'x-iam-auth': true, airbyte_secret: true })({}));
});

t.test('a nested oneOf in a branch not chosen adds nothing', async (t) => {
  const validate = createAjv().compile({
    type: 'object',
    discriminator: { propertyName: 'kind' },
    oneOf: [
      { type: 'object', required: ['kind', 'a'], properties: { kind: { const: 'A' }, a: { type: 'string' } } },
      {
        type: 'object',
        required: ['kind'],
        properties: { kind: { const: 'B' }, b: { oneOf: [{ type: 'object', required: ['x'] }, { type: 'object', required: ['y'] }] } },
      },
    ],
  });
  t.notOk(validate({ kind: 'A', a: 1, b: {} }));
  t.same(describeErrors(validate.errors ?? []), [{ pointer: '/a', message: 'must be string, not integer' }]);
  t.notOk(validate({ kind: 'B', b: {} }));
  t.same(describeErrors(validate.errors ?? []), [{ pointer: '/b', message: 'needs exactly one of x, y' }]);
});
