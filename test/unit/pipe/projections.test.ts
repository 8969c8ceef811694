// Projections from discovered document schemas (through allOf and $ref anchors), and field
// selections from a materialization's constraints.
import t from 'tap';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { selectFields } from '../../../src/pipe/field-selection.js';
import { deriveProjections, isScalar } from '../../../src/pipe/projections.js';

const schema = documentSchema(
  'orders',
  { hash: { name: 'customerId', type: 'S' }, range: { name: 'orderId', type: 'N' } },
  { status: { type: ['null', 'string'] }, total: { type: ['null', 'number'] }, items: { type: ['array', 'null'] }, blob: { type: ['null', 'string'], contentEncoding: 'base64' }, 'a/b': { type: 'boolean' } },
);
const projections = deriveProjections(schema, ['/customerId', '/orderId']);

t.test('projections of a discovered schema', async (t) => {
  t.same(
    projections.map((p) => [p.field, p.ptr]),
    [
      ['customerId', '/customerId'],
      ['orderId', '/orderId'],
      ['_meta', '/_meta'],
      ['a/b', '/a~1b'],
      ['blob', '/blob'],
      ['items', '/items'],
      ['status', '/status'],
      ['total', '/total'],
      ['flow_document', ''],
    ],
    'keys in key order, then top-level properties by name, then the document',
  );
  const by = (f: string) => projections.find((p) => p.field === f)!;
  t.same(by('customerId'), { ptr: '/customerId', field: 'customerId', isPrimaryKey: true, inference: { types: ['string'], exists: 'MUST' } });
  t.same(by('orderId').inference, { types: ['string'], exists: 'MUST', string: { format: 'number' } }, 'N keys are decimal strings');
  t.same(by('_meta').inference.types, ['object']);
  t.equal(by('_meta').inference.exists, 'MUST', 'required through allOf');
  t.same(by('total').inference, { types: ['null', 'number'], exists: 'MAY' });
  t.same(by('blob').inference.string, { contentEncoding: 'base64' });
  t.same(by('flow_document').inference, { types: ['object'], exists: 'MUST' });
  t.same([...projections].filter(isScalar).map((p) => p.field), ['customerId', 'orderId', 'a/b', 'blob', 'status', 'total']);
});

t.test('untyped properties may be anything; integer narrows number', async (t) => {
  const p = deriveProjections({ type: 'object', required: ['id'], properties: { id: { type: 'integer' }, any: {}, n: { type: ['integer', 'string'] } } }, ['/id']);
  t.same(p.find((x) => x.field === 'id')!.inference.types, ['integer']);
  t.same(p.find((x) => x.field === 'any')!.inference.types, ['array', 'boolean', 'null', 'number', 'object', 'string']);
  t.same(p.find((x) => x.field === 'n')!.inference.types, ['integer', 'string']);
  t.notOk(isScalar(p.find((x) => x.field === 'any')!));
});

t.test('field selection from constraints', async (t) => {
  const constraints = {
    customerId: { type: 'LOCATION_REQUIRED' },
    orderId: { type: 'LOCATION_REQUIRED' },
    flow_document: { type: 'LOCATION_REQUIRED' },
    status: { type: 'LOCATION_RECOMMENDED' },
    total: { type: 3 }, // the enum's number for LOCATION_RECOMMENDED
    items: { type: 'LOCATION_RECOMMENDED' }, // not a scalar
    blob: { type: 'FIELD_OPTIONAL' },
    'a/b': { type: 'FIELD_REQUIRED' },
    _meta: { type: 'FIELD_FORBIDDEN' },
  };
  const sel = selectFields({ binding: 'orders', projections, keyPointers: ['/customerId', '/orderId'], constraints, deltaUpdates: false });
  t.same(sel, { keys: ['customerId', 'orderId'], values: ['a/b', 'status', 'total'], document: 'flow_document', fieldConfig: {} });

  t.throws(
    () => selectFields({ binding: 'orders', projections, keyPointers: ['/customerId', '/orderId'], constraints: { ...constraints, orderId: { type: 'UNSATISFIABLE', reason: 'type changed' }, flow_document: { type: 'FIELD_FORBIDDEN' }, extra: { type: 'FIELD_REQUIRED' } }, deltaUpdates: false }),
    { code: 'VALIDATION_FAILED', message: /key field "orderId" cannot be materialized \(INCOMPATIBLE: type changed\).*"flow_document" cannot be materialized.*requires field "extra"/ },
    'every problem at once',
  );
  const delta = selectFields({ binding: 'orders', projections, keyPointers: ['/customerId', '/orderId'], constraints: { ...constraints, flow_document: { type: 'FIELD_FORBIDDEN' } }, deltaUpdates: true });
  t.equal(delta.document, '', 'delta updates may go without the document');
  const unlisted = selectFields({ binding: 'orders', projections, keyPointers: ['/customerId', '/orderId'], constraints: { customerId: { type: 'LOCATION_REQUIRED' }, orderId: { type: 'FIELD_REQUIRED' }, flow_document: { type: 'LOCATION_REQUIRED' } }, deltaUpdates: false });
  t.same(unlisted.values, [], 'fields the constraints do not list are forbidden');
});
