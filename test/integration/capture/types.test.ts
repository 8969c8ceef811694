// Every AttributeValue type through a real capture, from the backfill and from the stream, compared
// with documents built from the inputs by the reference conversion below (PROTOCOL.md §3.5): S as
// is, N as an exact number literal of canonical text (listed by hand per input), B as padded
// base64, sets as arrays (compared as multisets: DynamoDB picks their order), M/L recursively,
// keys as strings.
import t, { type Test } from 'tap';
import {
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue as AV,
} from '@aws-sdk/client-dynamodb';
import { documentSchema } from '../../../src/discover/document-schema.js';
import type { KeySchema } from '../../../src/decode/key.js';
import { stringify } from '../../../src/json/stringify.js';
import { isJsonObject, LosslessNumber, type Json, type JsonObject } from '../../../src/json/value.js';
import { Limiter } from '../../../src/aws/limiter.js';
import { RpcClient } from '../../../src/aws/rpc-client.js';
import type { Item } from '../../../src/decode/attribute-value.js';
import { itemToRow } from '../../../src/decode/fold.js';
import { keyString } from '../../../src/decode/key.js';
import { withDynamoDBLocal, createStreamTable, enableStream, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { committedDocs, diffFoldWithTable, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

/** Each number spelling written, and the exact literal the document must carry (written by hand). */
const NUMBERS: Record<string, string> = {
  '0': '0',
  '-0': '0',
  '42': '42',
  '-17': '-17',
  '12345678901234567890123456789012345678': '12345678901234567890123456789012345678',
  '-12345678901234567890123456789012345678': '-12345678901234567890123456789012345678',
  '0.12345678901234567890123456789012345678': '0.12345678901234567890123456789012345678',
  '9007199254740993': '9007199254740993',
  '9007199254740992': '9007199254740992',
  '1e3': '1000',
  '1E+3': '1000',
  '1.5E+10': '15000000000',
  '1e40': '10000000000000000000000000000000000000000',
  '1e125': '1e+125',
  '9.9999999999999999999999999999999999999E+125': '9.9999999999999999999999999999999999999e+125',
  '-1.5e-120': '-1.5e-120',
  '1e-130': '1e-130',
  '0.000001': '0.000001',
  '123.4500': '123.45',
  '1.2400': '1.24',
  '-0.50': '-0.5',
  '2.50': '2.5',
  '100': '100',
  '1.50': '1.5',
  '-1.5': '-1.5',
  '5.000': '5',
  '-0.000001': '-0.000001',
  '10': '10',
  '2': '2',
  '-3': '-3',
  '1.5': '1.5',
  '1': '1',
};

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

/** Attribute values of every type; sets hold values whose canonical forms differ. */
const SCALARS: Record<string, AV> = {
  s: { S: 'plain' },
  s_empty: { S: '' },
  s_unicode: { S: 'ünïcødé ✓ 😀 "quoted" \\ back\nslash\ttab \u0000 nul' },
  n_zero: { N: '0' },
  n_neg_zero: { N: '-0' },
  n_int: { N: '42' },
  n_neg: { N: '-17' },
  n_38: { N: '12345678901234567890123456789012345678' },
  n_38_neg: { N: '-12345678901234567890123456789012345678' },
  n_38_frac: { N: '0.12345678901234567890123456789012345678' },
  n_2p53_plus1: { N: '9007199254740993' },
  n_exp_small: { N: '1e3' },
  n_exp_mid: { N: '1.5E+10' },
  n_exp_40: { N: '1e40' },
  n_max: { N: '9.9999999999999999999999999999999999999E+125' },
  n_big_exp: { N: '1e125' },
  n_tiny_neg: { N: '-1.5e-120' },
  n_min: { N: '1e-130' },
  n_frac: { N: '0.000001' },
  n_trailing: { N: '123.4500' },
  b_1: { B: bytes(0xfb) },
  b_2: { B: bytes(0xfb, 0xff) },
  b_3: { B: bytes(0xfb, 0xff, 0xbf) },
  b_empty: { B: bytes() },
  b_zeros: { B: bytes(0, 0, 0, 0) },
  bool_t: { BOOL: true },
  bool_f: { BOOL: false },
  nul: { NULL: true },
};

const SETS: Record<string, AV> = {
  ss: { SS: ['z', 'a', '', 'ünï', 'm m'] },
  ns: { NS: ['10', '2', '-3', '1.5', '12345678901234567890123456789012345678', '-1.5e-120', '1e125'] },
  bs: { BS: [bytes(9), bytes(1, 2), bytes(0xff), bytes(0xfb, 0xff, 0xbf)] },
  ss_one: { SS: ['only'] },
};

const NESTED: Record<string, AV> = {
  m_empty: { M: {} },
  l_empty: { L: [] },
  m: {
    M: {
      s: { S: 'x' },
      n: { N: '9007199254740993' },
      b: { B: bytes(0xfb, 0xff) },
      t: { BOOL: true },
      z: { NULL: true },
      'odd/key~name': { S: 'pointer chars' },
      ' ': { S: 'blank name' },
      deeper: { M: { l: { L: [{ N: '1e40' }, { SS: ['b', 'a'] }, { M: { deepest: { NS: ['-0.50', '100'] } } }] } } },
    },
  },
  l: {
    L: [
      { S: 's' },
      { N: '-17' },
      { B: bytes(1) },
      { BOOL: false },
      { NULL: true },
      { M: { k: { L: [] } } },
      { L: [{ L: [{ N: '0.000001' }] }] },
      { SS: ['q'] },
      { NS: ['42'] },
      { BS: [bytes(0)] },
    ],
  },
};

/** Attribute names that are awkward in JSON pointers, expressions or JavaScript objects. */
const ODD_NAMES: Record<string, AV> = ownProps([
  ['with space', { S: 'a' }],
  ['a.b', { S: 'b' }],
  ['x/y~z', { S: 'c' }],
  ['#hash', { S: 'd' }],
  [':colon', { S: 'e' }],
  ['ünï', { S: 'f' }],
  ['constructor', { S: 'g' }],
  ['toString', { N: '1' }],
  ['hasOwnProperty', { BOOL: true }],
  ['__proto__', { M: { polluted: { BOOL: true } } }],
  // Ours: an item's own `_meta` cannot sit beside the document's and is left out.
  ['_meta', { S: 'the item says _meta' }],
]);

/** Near DynamoDB's 400 KB item limit: one long string and a long list of exact numbers. */
const BIG: Record<string, AV> = {
  long: { S: 'x'.repeat(300_000) + '✓' },
  many: { L: Array.from({ length: 2000 }, (_, i) => ({ N: i % 2 ? '12345678901234567890123456789012345678' : '-1.5e-120' })) },
};

/** An object from entries, each an own property, `__proto__` included. */
function ownProps<T>(entries: [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Set by UpdateItem, whose values DynamoDB Local keeps in their written spelling. */
const SPELLED_UPDATE: { UpdateExpression: string; ExpressionAttributeValues: Record<string, AV> } = {
  UpdateExpression: 'SET a = :a, b = :b, c = :c, d = :d, e = :e, m = :m',
  ExpressionAttributeValues: {
    ':a': { N: '1.2400' },
    ':b': { N: '1e3' },
    ':c': { N: '-0.50' },
    ':d': { NS: ['2.50', '1e3', '-0.50'] },
    ':e': { N: '12345678901234567890123456789012345678' },
    ':m': { M: { x: { N: '5.000' }, l: { L: [{ N: '1.2400' }] } } },
  },
};
const SPELLED_VALUES: Record<string, AV> = {
  a: { N: '1.2400' },
  b: { N: '1e3' },
  c: { N: '-0.50' },
  d: { NS: ['2.50', '1e3', '-0.50'] },
  e: { N: '12345678901234567890123456789012345678' },
  m: { M: { x: { N: '5.000' }, l: { L: [{ N: '1.2400' }] } } },
};

// ---- the reference conversion, written from PROTOCOL.md §3.5 ----

const SET_MARK = Symbol('set');
type Expected = Json | { [SET_MARK]: Json[] };

function expectedNumber(text: string): LosslessNumber {
  const want = NUMBERS[text];
  if (want === undefined) throw new Error(`test bug: no expected literal for ${text}`);
  return new LosslessNumber(want);
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function expected(av: AV): Expected {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return expectedNumber(av.N);
  if (av.B !== undefined) return b64(av.B);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.M !== undefined) return ownProps(Object.entries(av.M).map(([k, v]): [string, Expected] => [k, expected(v)])) as Json;
  if (av.L !== undefined) return av.L.map(expected) as Json[];
  if (av.SS !== undefined) return { [SET_MARK]: av.SS };
  if (av.NS !== undefined) return { [SET_MARK]: av.NS.map(expectedNumber) };
  if (av.BS !== undefined) return { [SET_MARK]: av.BS.map(b64) };
  throw new Error('test bug: unknown AttributeValue');
}

/**
 * Canonical text of an expected value against the actual one: object keys sorted, numbers by
 * their exact text, and where the input was a set, both sides' elements sorted (a multiset).
 */
function canon(v: Expected | undefined): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && v !== null && SET_MARK in v) return '<set>' + canonSet(v[SET_MARK]);
  if (Array.isArray(v)) return '[' + v.map((x) => canon(x)).join(',') + ']';
  if (isJsonObject(v)) {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canon(v[k] as Expected)).join(',') + '}';
  }
  return stringify(v as Json);
}
const canonSet = (xs: Json[]): string => '[' + xs.map((x) => stringify(x)).sort().join(',') + ']';

/** The actual document, canonicalized along the expected one's shape (sets located by it). */
function canonActual(actual: Json | undefined, shape: Expected | undefined): string {
  if (actual === undefined) return 'undefined';
  if (typeof shape === 'object' && shape !== null && SET_MARK in shape) return Array.isArray(actual) ? '<set>' + canonSet(actual) : stringify(actual);
  if (Array.isArray(actual)) return '[' + actual.map((x, i) => canonActual(x, Array.isArray(shape) ? (shape[i] as Expected) : undefined)).join(',') + ']';
  if (isJsonObject(actual)) {
    const s = isJsonObject(shape) ? shape : undefined;
    return '{' + Object.keys(actual).sort().map((k) => JSON.stringify(k) + ':' + canonActual(actual[k], s?.[k] as Expected | undefined)).join(',') + '}';
  }
  return stringify(actual);
}

/** The expected row of an item (as in `before`): keys as strings, attributes converted. */
function expectedRow(keys: Record<string, string>, attrs: Record<string, AV>): Json {
  return ownProps<Expected>([...Object.entries(keys), ...Object.entries(attrs).filter(([k]) => k !== '_meta').map(([k, v]): [string, Expected] => [k, expected(v)])]) as Json;
}

/** The expected document of an item: `_meta` as given, keys as strings, attributes converted. */
function expectedDoc(meta: Record<string, Expected>, keys: Record<string, string>, attrs: Record<string, AV>, nulls: string[] = []): Record<string, Expected> {
  return ownProps<Expected>([
    ['_meta', meta as Json],
    ...Object.entries(keys),
    ...Object.entries(attrs)
      .filter(([k]) => k !== '_meta')
      .map(([k, v]): [string, Expected] => [k, expected(v)]),
    ...nulls.map((k): [string, Expected] => [k, null]),
  ]);
}

// ---- tables ----

const S_TABLE: TableShape = { table: 'types_s', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
const NB_KS: KeySchema = { hash: { name: 'id', type: 'N' }, range: { name: 'rk', type: 'B' } };
const NB_TABLE: TableShape = { table: 'types_nb', ks: NB_KS, key: () => ({}) };

/** Items of the N+B table: numeric keys past 2^53 that collide as floats, exponent and fraction keys. */
const NB_ITEMS: { id: string; rk: Uint8Array; idText: string }[] = [
  { id: '9007199254740992', rk: bytes(0xfb, 0xff), idText: '9007199254740992' },
  { id: '9007199254740993', rk: bytes(0xfb, 0xff), idText: '9007199254740993' },
  { id: '12345678901234567890123456789012345678', rk: bytes(0), idText: '12345678901234567890123456789012345678' },
  { id: '-1.5', rk: bytes(1, 2, 3), idText: '-1.5' },
  { id: '1e3', rk: bytes(7), idText: '1000' },
];

interface Captured {
  binding: number;
  doc: JsonObject;
}

function capturedDocs(lines: readonly string[]): Captured[] {
  return committedDocs(lines, 0)
    .map((d) => ({ binding: 0, doc: d.doc }))
    .concat(committedDocs(lines, 1).map((d) => ({ binding: 1, doc: d.doc })));
}

const keyOfS = (d: JsonObject): string => String(d.pk);
const keyOfNb = (d: JsonObject): string => `${String(d.id)}|${String(d.rk)}`;

t.test('every AttributeValue type round-trips through backfill and stream documents', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  // No stream while loading: these items reach the output only through the backfill.
  await createStreamTable(client, S_TABLE.table, { streamViewType: null });
  await createStreamTable(client, NB_TABLE.table, { hashKey: 'id', hashKeyType: 'N', rangeKey: 'rk', rangeKeyType: 'B', streamViewType: null });

  const put = (table: string, item: Record<string, AV>): Promise<unknown> => client.send(new PutItemCommand({ TableName: table, Item: item }));
  const groups: Record<string, Record<string, AV>> = { scalars: SCALARS, sets: SETS, nested: NESTED, odd: ODD_NAMES, big: BIG };
  for (const [name, attrs] of Object.entries(groups)) await put(S_TABLE.table, { pk: { S: `bf-${name}` }, ...attrs });
  await client.send(new UpdateItemCommand({ TableName: S_TABLE.table, Key: { pk: { S: 'bf-spelled' } }, ...SPELLED_UPDATE }));
  for (const it of NB_ITEMS) await put(NB_TABLE.table, { id: { N: it.id }, rk: { B: it.rk }, v: { N: '1.50' } });
  // A numeric key written by UpdateItem in a non-canonical spelling.
  await client.send(new UpdateItemCommand({ TableName: NB_TABLE.table, Key: { id: { N: '1.50' }, rk: { B: bytes(1) } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2.50' } } }));
  for (const table of [S_TABLE.table, NB_TABLE.table]) await enableStream(client, table);

  const cap = await captureInProcess(endpoint, [
    { binding: 0, stateKey: 'types_s.v1', table: S_TABLE.table, keyPointers: ['/pk'], writeSchema: documentSchema(S_TABLE.table, S_TABLE.ks) },
    { binding: 1, stateKey: 'types_nb.v1', table: NB_TABLE.table, keyPointers: ['/id', '/rk'], writeSchema: documentSchema(NB_TABLE.table, NB_KS) },
  ]);
  t.teardown(() => cap.stop().catch(() => undefined));
  await waitFor(() => cap.logs.filter((l) => l.includes('"backfill finished"')).length === 2, 'both backfills finish');
  await waitQuiet(() => cap.lines.length, 1000);

  // ---- backfill ----
  const snap = { op: 'c', snapshot: true };
  const wantBackfill = new Map<string, Record<string, Expected>>();
  for (const [name, attrs] of Object.entries(groups)) wantBackfill.set(`bf-${name}`, expectedDoc(snap, { pk: `bf-${name}` }, attrs));
  wantBackfill.set('bf-spelled', expectedDoc(snap, { pk: 'bf-spelled' }, SPELLED_VALUES));
  const wantNb = new Map<string, Record<string, Expected>>();
  for (const it of NB_ITEMS) wantNb.set(`${it.idText}|${b64(it.rk)}`, expectedDoc(snap, { id: it.idText, rk: b64(it.rk) }, { v: { N: '1.50' } }));
  wantNb.set(`1.5|${b64(bytes(1))}`, expectedDoc(snap, { id: '1.5', rk: b64(bytes(1)) }, { v: { N: '2.50' } }));

  const afterBackfill = capturedDocs(cap.lines);
  t.equal(afterBackfill.length, wantBackfill.size + wantNb.size, 'one snapshot document per item, nothing else');
  compareDocs(t, 'backfill types_s', afterBackfill.filter((d) => d.binding === 0).map((d) => d.doc), wantBackfill, keyOfS);
  compareDocs(t, 'backfill types_nb', afterBackfill.filter((d) => d.binding === 1).map((d) => d.doc), wantNb, keyOfNb);
  const before = cap.lines.length;

  // ---- stream ----
  for (const [name, attrs] of Object.entries(groups)) await put(S_TABLE.table, { pk: { S: `st-${name}` }, ...attrs });
  await client.send(new UpdateItemCommand({ TableName: S_TABLE.table, Key: { pk: { S: 'st-spelled' } }, ...SPELLED_UPDATE }));
  // MODIFY of a backfilled item: a SET and a REMOVE give the new values, null for the removed one, and `before`.
  await client.send(
    new UpdateItemCommand({
      TableName: S_TABLE.table,
      Key: { pk: { S: 'bf-scalars' } },
      UpdateExpression: 'SET s = :s, n_int = :n REMOVE bool_t, b_1',
      ExpressionAttributeValues: { ':s': { S: 'changed' }, ':n': { N: '1.2400' } },
    }),
  );
  // REMOVE: the key, null for every other attribute, and `before`.
  await client.send(new DeleteItemCommand({ TableName: S_TABLE.table, Key: { pk: { S: 'bf-sets' } } }));
  for (const it of NB_ITEMS.slice(0, 2)) {
    await client.send(new UpdateItemCommand({ TableName: NB_TABLE.table, Key: { id: { N: it.id }, rk: { B: it.rk } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { NS: ['1.2400', '-0'] } } }));
  }
  await put(NB_TABLE.table, { id: { N: '-0.000001' }, rk: { B: bytes(0xff, 0xfe) }, v: { BS: [bytes(1), bytes(2)] } });

  await waitFor(() => capturedDocs(cap.lines.slice(before)).length >= 9, 'the stream documents arrive');
  await waitQuiet(() => cap.lines.length, 1000);
  await cap.stop();

  const streamed = capturedDocs(cap.lines.slice(before));
  const c = { op: 'c' };
  const u = (beforeRow: Json): Record<string, Expected> => ({ op: 'u', before: beforeRow });
  const wantStream = new Map<string, Record<string, Expected>>();
  for (const [name, attrs] of Object.entries(groups)) wantStream.set(`st-${name}`, expectedDoc(c, { pk: `st-${name}` }, attrs));
  wantStream.set('st-spelled', expectedDoc(c, { pk: 'st-spelled' }, SPELLED_VALUES));
  const { bool_t: _t, b_1: _b, ...kept } = SCALARS;
  wantStream.set('bf-scalars', expectedDoc(u(expectedRow({ pk: 'bf-scalars' }, SCALARS)), { pk: 'bf-scalars' }, { ...kept, s: { S: 'changed' }, n_int: { N: '1.2400' } }, ['bool_t', 'b_1']));
  wantStream.set('bf-sets', expectedDoc({ op: 'd', before: expectedRow({ pk: 'bf-sets' }, SETS) }, { pk: 'bf-sets' }, {}, Object.keys(SETS)));
  const wantNbStream = new Map<string, Record<string, Expected>>();
  for (const it of NB_ITEMS.slice(0, 2)) {
    const k = { id: it.idText, rk: b64(it.rk) };
    wantNbStream.set(`${it.idText}|${b64(it.rk)}`, expectedDoc(u(expectedRow(k, { v: { N: '1.50' } })), k, { v: { NS: ['1.2400', '-0'] } }));
  }
  wantNbStream.set(`-0.000001|${b64(bytes(0xff, 0xfe))}`, expectedDoc(c, { id: '-0.000001', rk: b64(bytes(0xff, 0xfe)) }, { v: { BS: [bytes(1), bytes(2)] } }));

  t.equal(streamed.length, wantStream.size + wantNbStream.size, 'one stream document per change');
  for (const d of streamed) {
    const meta = d.doc._meta as JsonObject;
    t.match(meta.eventId, /^\S+$/, 'eventId is the record id');
    t.match(meta.approximateCreationDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/, 'approximateCreationDateTime is RFC 3339 UTC');
    t.notOk('snapshot' in meta || 'userIdentity' in meta, 'no snapshot flag, no userIdentity on user writes');
    t.equal(meta.eventName, { c: 'INSERT', u: 'MODIFY', d: 'REMOVE' }[meta.op as string], 'eventName is the raw name of op');
    t.match(meta.sequenceNumber, /^[0-9]{1,40}$/, 'sequenceNumber is the record\'s decimal sequence number');
    // Checked above; the rest of _meta is compared exactly.
    delete meta.eventId;
    delete meta.eventName;
    delete meta.sequenceNumber;
    delete meta.approximateCreationDateTime;
  }
  compareDocs(t, 'stream types_s', streamed.filter((d) => d.binding === 0).map((d) => d.doc), wantStream, keyOfS);
  compareDocs(t, 'stream types_nb', streamed.filter((d) => d.binding === 1).map((d) => d.doc), wantNbStream, keyOfNb);

  // And the whole output folds to the table. (The SDK mangles an attribute named __proto__, so
  // types_s is read back with a plain HTTP Scan.)
  t.same(diffFoldWithTable(committedDocs(cap.lines, 0), await rawScanRows(endpoint, S_TABLE), S_TABLE.ks), [], 'types_s: fold equals table');
  t.same(diffFoldWithTable(committedDocs(cap.lines, 1), await scanRows(client, NB_TABLE), NB_KS), [], 'types_nb: fold equals table');
});

function compareDocs(t: Test, what: string, docs: JsonObject[], want: Map<string, Record<string, Expected>>, keyOf: (d: JsonObject) => string): void {
  const got = new Map(docs.map((d) => [keyOf(d), d]));
  t.equal(got.size, docs.length, `${what}: one document per key`);
  t.strictSame([...got.keys()].sort(), [...want.keys()].sort(), `${what}: the expected keys`);
  for (const [k, w] of want) {
    const g = got.get(k);
    // Compare attribute by attribute, so a failure names the attribute.
    const names = new Set([...Object.keys(w), ...Object.keys(g ?? {})]);
    const diffs: string[] = [];
    for (const name of names) {
      const exp = canon(w[name]);
      const act = canonActual(g?.[name], w[name]);
      if (exp !== act) diffs.push(`${name}: got ${act}, want ${exp}`);
    }
    t.strictSame(diffs, [], `${what} ${k}: exact document`);
  }
}

/** The table's rows from a Scan over plain HTTP (no SDK), decoded as the fold's rows. */
async function rawScanRows(endpoint: string, shape: TableShape): Promise<Map<string, JsonObject>> {
  const rpc = new RpcClient({ region: LOCAL_REGION, endpoint, credentials: () => Promise.resolve({ ...LOCAL_CREDENTIALS }), limiter: new Limiter(1) });
  const rows = new Map<string, JsonObject>();
  try {
    let start: Item | undefined;
    do {
      const page = await rpc.call<{ Items?: Item[]; LastEvaluatedKey?: Item }>('dynamodb', 'Scan', { TableName: shape.table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) });
      for (const item of page.Items ?? []) rows.set(keyString(item, shape.ks), itemToRow(item, shape.ks));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    await rpc.close();
  }
  return rows;
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
