// Sorted runs on disk: when the combiner's memory budget is exceeded its groups are written, in key
// order, to one NDJSON file (`[key, front|null, docs]` per line, through our lossless stringify so
// exact numbers survive), and read back at drain to be merged k-way with later runs.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { ConnectorError } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { stringify } from '../json/stringify.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import type { KeyGroup } from './key-group.js';
import { keyIdentity } from './key.js';

/** Writes are batched into chunks of about this many characters: few syscalls, little extra memory. */
const WRITE_CHUNK_CHARS = 1 << 20;
/** Read buffer per run at drain; k runs hold k of these (plus a partial line each). */
const READ_CHUNK_BYTES = 1 << 16;

/** Writes sorted groups to a new file; returns the bytes written. */
export function writeRun(file: string, groups: Iterable<KeyGroup>): number {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    throw new ConnectorError('IO', `cannot create the combiner's spill file ${file}: ${(e as Error).message}`, { cause: e });
  }
  let written = 0;
  let buf = '';
  const flush = (): void => {
    written += writeSync(fd, buf);
    buf = '';
  };
  try {
    for (const g of groups) {
      buf += stringify([g.key as Json[], g.front ?? null, g.docs]) + '\n';
      if (buf.length >= WRITE_CHUNK_CHARS) flush();
    }
    if (buf) flush();
  } catch (e) {
    throw new ConnectorError('IO', `cannot write the combiner's spill file ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    closeSync(fd);
  }
  return written;
}

/**
 * Reads a run back, group by group, in the order written. Synchronous reads of one chunk at a time
 * (the file was just written: it is in the page cache), so a drain works with or without promises.
 */
export function* readRun(file: string): Generator<KeyGroup> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new ConnectorError('IO', `cannot open the combiner's spill file ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let rest: Buffer = Buffer.alloc(0);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new ConnectorError('IO', `cannot read the combiner's spill file ${file}: ${(e as Error).message}`, { cause: e });
      }
      if (n === 0) break;
      // A newline byte never occurs inside a multi-byte UTF-8 sequence: splitting bytes is safe.
      let buf = rest.length ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let nl: number;
      while ((nl = buf.indexOf(NEWLINE)) >= 0) {
        if (nl > 0) yield parseGroup(buf.toString('utf8', 0, nl), file);
        buf = buf.subarray(nl + 1);
      }
      rest = Buffer.from(buf); // copy: `chunk` is reused
    }
    if (rest.length) yield parseGroup(rest.toString('utf8'), file);
  } finally {
    closeSync(fd);
  }
}

const NEWLINE = 0x0a;

function parseGroup(line: string, file: string): KeyGroup {
  const row = parseJson(line);
  if (!Array.isArray(row) || !Array.isArray(row[0]) || !Array.isArray(row[2])) {
    throw new ConnectorError('INTERNAL', `the combiner's spill file ${file} holds a line it did not write`);
  }
  const key = row[0];
  const g: KeyGroup = { key, id: keyIdentity(key), docs: row[2].filter(isJsonObject) };
  if (isJsonObject(row[1])) g.front = row[1] as JsonObject;
  return g;
}
