// Captured documents (PROTOCOL.md §3.4): backfill snapshots and DynamoDB Streams records. `_meta`
// comes first, then the key attributes (rendered as keys), then the others in the item's order.
// An item attribute named `_meta` cannot be captured beside ours and is left out, as Estuary's
// connector (which overwrites it) effectively does. Built straight from the AttributeValues: no
// intermediate objects, no unmarshall.
import { ConnectorError } from '../errors.js';
import { isLosslessNumber, type JsonObject, type LosslessNumber } from '../json/value.js';
import type { Item } from './attribute-value.js';
import { decodeKeyValue, ownAttribute, type KeySchema } from './key.js';
import { setOwn } from './set-own.js';
import type { NumberEncoding } from './number.js';
import { decodeValue } from './value.js';

/** A DynamoDB Streams record, from the SDK (`_Record`, assignable) or raw JSON over HTTP. */
export interface StreamRecordInput {
  eventID?: string;
  eventName?: string;
  dynamodb?: {
    /** SDK: Date; raw JSON: epoch seconds; strings (RFC 3339 or epoch seconds) are accepted too. */
    ApproximateCreationDateTime?: Date | number | string | LosslessNumber;
    Keys?: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber?: string;
    SizeBytes?: number;
    StreamViewType?: string;
  };
  userIdentity?: { PrincipalId?: string; Type?: string };
}

const OPS: ReadonlyMap<string, 'c' | 'u' | 'd'> = new Map([
  ['INSERT', 'c'],
  ['MODIFY', 'u'],
  ['REMOVE', 'd'],
]);

/** A backfill document: the whole item plus `_meta: {op: "c", snapshot: true}`. */
export function snapshotDocument(item: Item, ks: KeySchema, numbers?: NumberEncoding): JsonObject {
  return renderItem(item, ks, numbers, { _meta: { op: 'c', snapshot: true } });
}

/** The item decoded as a row: keys rendered as keys, every other attribute but `_meta` decoded. */
export function renderItem(item: Item, ks: KeySchema, numbers?: NumberEncoding, into: JsonObject = {}): JsonObject {
  writeKeys(into, item, ks);
  writeAttributes(into, item, ks, numbers);
  return into;
}

/**
 * The document of one stream record: `c` for INSERT, `u` for MODIFY, `d` for REMOVE. For `u` and
 * `d`, top-level OldImage attributes absent from the new state are explicit nulls, so folding the
 * documents by key (top-level merge, null removes) gives the item; `before` is the OldImage.
 */
export function streamDocument(record: StreamRecordInput, ks: KeySchema, numbers?: NumberEncoding): JsonObject {
  const sr = record.dynamodb;
  const op = record.eventName === undefined ? undefined : OPS.get(record.eventName);
  if (op === undefined || sr === undefined) {
    throw badRecord(record, sr === undefined ? 'it has no `dynamodb` member' : `unknown eventName ${JSON.stringify(record.eventName)}`);
  }
  const meta: JsonObject = { op };
  if (record.eventID !== undefined) meta.eventId = record.eventID;
  meta.eventName = record.eventName!;
  if (sr.SequenceNumber !== undefined) meta.sequenceNumber = sr.SequenceNumber;
  if (sr.ApproximateCreationDateTime !== undefined) meta.approximateCreationDateTime = rfc3339(sr.ApproximateCreationDateTime, record);
  const who = record.userIdentity;
  if (who) {
    const identity: JsonObject = {};
    if (who.PrincipalId !== undefined) identity.principalId = who.PrincipalId;
    if (who.Type !== undefined) identity.type = who.Type;
    meta.userIdentity = identity;
  }
  const doc: JsonObject = { _meta: meta };
  if (op === 'c') {
    const newImage = sr.NewImage ?? missingImage(record, 'NewImage');
    writeKeys(doc, sr.Keys ?? newImage, ks);
    writeAttributes(doc, newImage, ks, numbers);
    return doc;
  }
  const oldImage = sr.OldImage ?? missingImage(record, 'OldImage');
  meta.before = renderItem(oldImage, ks, numbers);
  if (op === 'd') {
    writeKeys(doc, sr.Keys ?? oldImage, ks);
    for (const name in oldImage) if (!isKeyOrMeta(name, ks)) setOwn(doc, name, null);
    return doc;
  }
  const newImage = sr.NewImage ?? missingImage(record, 'NewImage');
  writeKeys(doc, sr.Keys ?? newImage, ks);
  writeAttributes(doc, newImage, ks, numbers);
  for (const name in oldImage) if (!isKeyOrMeta(name, ks) && !Object.hasOwn(newImage, name)) setOwn(doc, name, null);
  return doc;
}

/** A delete made by DynamoDB's TTL (replicated TTL deletes of global tables are not marked). */
export function isTtlDelete(record: StreamRecordInput): boolean {
  return (
    record.eventName === 'REMOVE' &&
    record.userIdentity?.PrincipalId === 'dynamodb.amazonaws.com' &&
    record.userIdentity.Type === 'Service'
  );
}

function writeKeys(into: JsonObject, item: Item, ks: KeySchema): void {
  const { hash, range } = ks;
  setOwn(into, hash.name, decodeKeyValue(ownAttribute(item, hash.name), hash.type, hash.name));
  if (range) setOwn(into, range.name, decodeKeyValue(ownAttribute(item, range.name), range.type, range.name));
}

function writeAttributes(into: JsonObject, item: Item, ks: KeySchema, numbers?: NumberEncoding): void {
  for (const name in item) {
    if (isKeyOrMeta(name, ks)) continue;
    setOwn(into, name, decodeValue(item[name]!, name, numbers));
  }
}

function isKeyOrMeta(name: string, ks: KeySchema): boolean {
  return name === ks.hash.name || name === ks.range?.name || name === '_meta';
}

/** RFC 3339 UTC text, whole seconds unless the input carries milliseconds. */
function rfc3339(t: NonNullable<NonNullable<StreamRecordInput['dynamodb']>['ApproximateCreationDateTime']>, record: StreamRecordInput): string {
  let ms: number;
  if (t instanceof Date) ms = t.getTime();
  else if (typeof t === 'number') ms = Math.round(t * 1000);
  else if (isLosslessNumber(t)) ms = Math.round(Number(t.value) * 1000);
  else if (typeof t === 'string' && /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(t)) ms = Math.round(Number(t) * 1000);
  else ms = typeof t === 'string' ? Date.parse(t) : NaN;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw badRecord(record, 'its ApproximateCreationDateTime is not a time');
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

function missingImage(record: StreamRecordInput, image: 'OldImage' | 'NewImage'): never {
  const view = record.dynamodb?.StreamViewType;
  throw badRecord(
    record,
    `it has no ${image}. The table's stream must use the view type NEW_AND_OLD_IMAGES ("New and old images")` +
      (view !== undefined ? `, but this record's is ${view}` : '') +
      '; enable the stream with that view type and re-backfill this binding',
  );
}

function badRecord(record: StreamRecordInput, why: string): ConnectorError {
  return new ConnectorError('BAD_DOCUMENT', `cannot capture stream record ${record.eventID ?? '(no eventID)'} (${record.eventName ?? 'no eventName'}): ${why}`, {
    fields: { eventId: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber },
  });
}
