import t from 'tap';
import fc from 'fast-check';
import type { _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import { isTtlDelete, snapshotDocument, streamDocument, type StreamRecordInput } from '../../../src/decode/document.js';
import { documentKeyFn, keyPointers, keyString, type KeySchema } from '../../../src/decode/key.js';
import type { Item } from '../../../src/decode/attribute-value.js';
import { stringify } from '../../../src/json/stringify.js';
import { LosslessNumber } from '../../../src/json/value.js';
import { rawAvArb, toSdkItem } from './fixtures/avs.js';

const ks: KeySchema = { hash: { name: 'customerId', type: 'S' }, range: { name: 'orderId', type: 'N' } };
const open: Item = { status: { S: 'open' }, orderId: { N: '42' }, customerId: { S: 'c-17' }, coupon: { S: 'X1' } };
const shipped: Item = { customerId: { S: 'c-17' }, orderId: { N: '42' }, status: { S: 'shipped' } };
const keys: Item = { customerId: { S: 'c-17' }, orderId: { N: '42' } };
const ttl = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' };
const seconds = (iso: string): number => Date.parse(iso) / 1000;

const modify: StreamRecordInput = {
  eventID: 'e1',
  eventName: 'MODIFY',
  dynamodb: { ApproximateCreationDateTime: seconds('2024-05-01T12:00:03Z'), Keys: keys, NewImage: shipped, OldImage: open, SequenceNumber: '100', SizeBytes: 80, StreamViewType: 'NEW_AND_OLD_IMAGES' },
};
const remove: StreamRecordInput = {
  eventID: 'e2',
  eventName: 'REMOVE',
  dynamodb: { ApproximateCreationDateTime: seconds('2024-05-02T08:15:00Z'), Keys: keys, OldImage: shipped, SequenceNumber: '200', SizeBytes: 40, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  userIdentity: ttl,
};

t.test('the documents of PROTOCOL.md §3.4, exactly', async (t) => {
  t.equal(
    stringify(snapshotDocument(open, ks)),
    '{"_meta":{"op":"c","snapshot":true},"customerId":"c-17","orderId":"42","status":"open","coupon":"X1"}',
  );
  t.equal(
    stringify(streamDocument(modify, ks)),
    '{"_meta":{"op":"u","eventId":"e1","eventName":"MODIFY","sequenceNumber":"100","approximateCreationDateTime":"2024-05-01T12:00:03Z","before":{"customerId":"c-17","orderId":"42","status":"open","coupon":"X1"}},"customerId":"c-17","orderId":"42","status":"shipped","coupon":null}',
  );
  t.equal(
    stringify(streamDocument(remove, ks)),
    '{"_meta":{"op":"d","eventId":"e2","eventName":"REMOVE","sequenceNumber":"200","approximateCreationDateTime":"2024-05-02T08:15:00Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":{"customerId":"c-17","orderId":"42","status":"shipped"}},"customerId":"c-17","orderId":"42","status":null}',
  );
});

t.test('INSERT: op c, no before, no snapshot flag', async (t) => {
  const doc = streamDocument({ eventID: 'e0', eventName: 'INSERT', dynamodb: { ApproximateCreationDateTime: 1714564800, Keys: keys, NewImage: open } }, ks);
  t.equal(stringify(doc), '{"_meta":{"op":"c","eventId":"e0","eventName":"INSERT","approximateCreationDateTime":"2024-05-01T12:00:00Z"},"customerId":"c-17","orderId":"42","status":"open","coupon":"X1"}');
});

t.test('SDK and raw forms give identical documents', async (t) => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ maxLength: 5 }), rawAvArb, { maxKeys: 5 }), fc.dictionary(fc.string({ maxLength: 5 }), rawAvArb, { maxKeys: 5 }), (a, b) => {
      const oldImage = { ...a, ...keys };
      const newImage = { ...b, ...keys };
      const at = 1714564803;
      const raw: StreamRecordInput = { eventID: 'x', eventName: 'MODIFY', dynamodb: { ApproximateCreationDateTime: at, Keys: keys, OldImage: oldImage, NewImage: newImage } };
      const sdk: StreamRecordInput = {
        eventID: 'x',
        eventName: 'MODIFY',
        dynamodb: { ApproximateCreationDateTime: new Date(at * 1000), Keys: keys, OldImage: toSdkItem(oldImage), NewImage: toSdkItem(newImage) },
      };
      return stringify(streamDocument(raw, ks)) === stringify(streamDocument(sdk, ks)) && stringify(snapshotDocument(newImage, ks)) === stringify(snapshotDocument(toSdkItem(newImage), ks));
    }),
    { numRuns: 200 },
  );
  t.pass('property held');
});

t.test('MODIFY: removed attributes become explicit nulls; before renders keys as keys', async (t) => {
  const doc = streamDocument(
    { eventID: 'm', eventName: 'MODIFY', dynamodb: { Keys: { customerId: { S: 'c' }, orderId: { N: '1e3' } }, OldImage: { customerId: { S: 'c' }, orderId: { N: '1000' }, a: { N: '1.50' }, b: { S: 'x' }, c: { NULL: true } }, NewImage: { customerId: { S: 'c' }, orderId: { N: '1.0e3' }, a: { N: '2' } } } },
    ks,
  );
  t.equal(stringify(doc), '{"_meta":{"op":"u","eventId":"m","eventName":"MODIFY","before":{"customerId":"c","orderId":"1000","a":1.5,"b":"x","c":null}},"customerId":"c","orderId":"1000","a":2,"b":null,"c":null}');
});

t.test('REMOVE: a delete document with keys and nulls; keys may come from OldImage alone', async (t) => {
  const doc = streamDocument({ eventID: 'r', eventName: 'REMOVE', dynamodb: { OldImage: { x: { L: [] }, orderId: { N: '7' }, customerId: { S: 'c' } } } }, ks);
  t.equal(stringify(doc), '{"_meta":{"op":"d","eventId":"r","eventName":"REMOVE","before":{"customerId":"c","orderId":"7","x":[]}},"customerId":"c","orderId":"7","x":null}');
  t.equal(documentKeyFn(keyPointers(ks))(doc), keyString({ customerId: { S: 'c' }, orderId: { N: '7.000' } }, ks));
});

t.test('TTL deletes are flagged and carry userIdentity', async (t) => {
  t.ok(isTtlDelete(remove));
  t.same(streamDocument(remove, ks)._meta, { op: 'd', eventId: 'e2', eventName: 'REMOVE', sequenceNumber: '200', approximateCreationDateTime: '2024-05-02T08:15:00Z', userIdentity: { principalId: 'dynamodb.amazonaws.com', type: 'Service' }, before: { customerId: 'c-17', orderId: '42', status: 'shipped' } });
  t.notOk(isTtlDelete({ ...remove, userIdentity: undefined }), 'a user delete');
  t.notOk(isTtlDelete({ ...remove, userIdentity: { PrincipalId: 'someone', Type: 'Service' } }));
  t.notOk(isTtlDelete({ ...modify, userIdentity: ttl }), 'only REMOVE');
});

t.test('missing images: BAD_DOCUMENT explaining NEW_AND_OLD_IMAGES', async (t) => {
  const need = { name: 'ConnectorError', code: 'BAD_DOCUMENT', message: /NEW_AND_OLD_IMAGES/ };
  t.throws(() => streamDocument({ eventID: 'r', eventName: 'REMOVE', dynamodb: { Keys: keys, StreamViewType: 'KEYS_ONLY' } }, ks), { ...need, message: /OldImage.*KEYS_ONLY/ });
  t.throws(() => streamDocument({ eventID: 'i', eventName: 'INSERT', dynamodb: { Keys: keys } }, ks), { ...need, message: /NewImage/ });
  t.throws(() => streamDocument({ eventID: 'm', eventName: 'MODIFY', dynamodb: { Keys: keys, OldImage: open } }, ks), { ...need, message: /NewImage/ });
  t.throws(() => streamDocument({ eventID: 'm', eventName: 'MODIFY', dynamodb: { Keys: keys, NewImage: open, StreamViewType: 'NEW_IMAGE' } }, ks), { ...need, message: /OldImage.*NEW_IMAGE/ });
  t.throws(() => streamDocument({ eventID: 'z', eventName: 'UPSERT', dynamodb: { Keys: keys, NewImage: open } }, ks), { code: 'BAD_DOCUMENT', message: /eventName/ });
  t.throws(() => streamDocument({ eventID: 'z', eventName: 'INSERT' }, ks), { code: 'BAD_DOCUMENT' });
  t.throws(() => streamDocument({ eventID: 'z', eventName: 'toString', dynamodb: { NewImage: open } }, ks), { code: 'BAD_DOCUMENT', message: /eventName/ });
  t.throws(() => streamDocument({ eventID: 'k', eventName: 'INSERT', dynamodb: { NewImage: { status: { S: 'no keys' } } } }, ks), { code: 'BAD_DOCUMENT', fields: { attribute: '/customerId' } });
  t.throws(() => snapshotDocument({ ...open, bad: { N: 'x' } }, ks), { code: 'BAD_DOCUMENT', fields: { attribute: '/bad' } });
});

t.test('approximateCreationDateTime: Date, epoch seconds (number, text, lossless), RFC 3339 text', async (t) => {
  const at = (v: NonNullable<StreamRecordInput['dynamodb']>['ApproximateCreationDateTime']) =>
    streamDocument({ eventID: 'e', eventName: 'INSERT', dynamodb: { ApproximateCreationDateTime: v, NewImage: open } }, ks)._meta as { approximateCreationDateTime?: string };
  t.equal(at(new Date('2024-05-01T12:00:03Z')).approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at(1714564803).approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at(1.714564803e9).approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at(1714564803.25).approximateCreationDateTime, '2024-05-01T12:00:03.250Z');
  t.equal(at('1714564803').approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at(new LosslessNumber('1.714564803E9')).approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at('2024-05-01T14:00:03+02:00').approximateCreationDateTime, '2024-05-01T12:00:03Z');
  t.equal(at(undefined).approximateCreationDateTime, undefined);
  t.throws(() => at('yesterday'), { code: 'BAD_DOCUMENT' });
  t.throws(() => at(new Date(NaN)), { code: 'BAD_DOCUMENT' });
});

t.test('attribute names: _meta cannot shadow ours, __proto__ is data, keys come first', async (t) => {
  const item = JSON.parse('{"z":{"S":"1"},"__proto__":{"S":"p"},"_meta":{"S":"m"},"orderId":{"N":"5"},"customerId":{"S":"c"}}') as Item;
  const doc = snapshotDocument(item, ks);
  t.equal(stringify(doc), '{"_meta":{"op":"c","snapshot":true},"customerId":"c","orderId":"5","z":"1","__proto__":"p"}');
  t.equal(Object.getPrototypeOf(doc), Object.prototype);
});

t.test('an SDK stream record is accepted as is', async (t) => {
  const sdk: SdkRecord = {
    eventID: 's',
    eventName: 'INSERT',
    dynamodb: { ApproximateCreationDateTime: new Date('2024-05-01T12:00:03Z'), Keys: { customerId: { S: 'c' }, orderId: { N: '1' } }, NewImage: { customerId: { S: 'c' }, orderId: { N: '1' }, b: { B: new Uint8Array([255]) } } },
  };
  t.equal(stringify(streamDocument(sdk, ks)), '{"_meta":{"op":"c","eventId":"s","eventName":"INSERT","approximateCreationDateTime":"2024-05-01T12:00:03Z"},"customerId":"c","orderId":"1","b":"/w=="}');
});

t.test('numbers as strings: stream documents and their before images carry exact digit strings', async (t) => {
  const rec: StreamRecordInput = {
    eventID: 'n1',
    eventName: 'MODIFY',
    dynamodb: {
      Keys: keys,
      OldImage: { ...keys, qty: { N: '12345678901234567890123456789012345678' } },
      NewImage: { ...keys, qty: { N: '1.2400' }, ns: { NS: ['3', '-0'] }, m: { M: { x: { N: '1e3' } } } },
      SequenceNumber: '300',
    },
  };
  t.equal(
    stringify(streamDocument(rec, ks, 'string')),
    '{"_meta":{"op":"u","eventId":"n1","eventName":"MODIFY","sequenceNumber":"300","before":{"customerId":"c-17","orderId":"42","qty":"12345678901234567890123456789012345678"}},"customerId":"c-17","orderId":"42","qty":"1.24","ns":["3","0"],"m":{"x":"1000"}}',
  );
});
