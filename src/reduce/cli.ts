// `source-dynamodb combine`: NDJSON documents in, combined NDJSON documents out, like `flowctl raw
// combine`. Full reduction by default (deleted documents are left out); partial on request (every
// drained document is written, tombstones included). Numbers pass through exactly.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ConnectorError, isConnectorError } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { stringify } from '../json/stringify.js';
import { isJsonObject } from '../json/value.js';
import { Combiner, type CombinerStats } from './combiner.js';
import type { ReduceMode } from './reduce.js';

export interface CombineOptions {
  input: Readable;
  output: Writable;
  /** The collection schema, parsed (losslessly, if it holds numbers that matter). */
  schema: unknown;
  keyPointers: string[];
  mode?: ReduceMode;
  memoryBudgetBytes?: number;
  spillDir?: string;
}

/** Reads every document, then writes the combined ones in key order. Does not end `output`. */
export async function runCombine(opts: CombineOptions): Promise<CombinerStats> {
  const mode = opts.mode ?? 'full';
  const combiner = new Combiner({ schema: opts.schema, keyPointers: opts.keyPointers, mode, memoryBudgetBytes: opts.memoryBudgetBytes, spillDir: opts.spillDir });
  try {
    let lineNo = 0;
    for await (const line of createInterface({ input: opts.input, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      try {
        let doc;
        try {
          doc = parseJson(line);
        } catch (e) {
          throw new ConnectorError('BAD_DOCUMENT', `not JSON: ${(e as Error).message}`, { cause: e });
        }
        if (!isJsonObject(doc)) throw new ConnectorError('BAD_DOCUMENT', 'a document must be a JSON object');
        combiner.add(doc);
      } catch (e) {
        if (!isConnectorError(e)) throw e;
        throw new ConnectorError(e.code, `input line ${lineNo}: ${e.message}`, { cause: e, fields: { ...e.fields, line: lineNo } });
      }
    }
    for await (const { doc, deleted } of combiner.drain()) {
      if (deleted) continue;
      if (!opts.output.write(stringify(doc) + '\n')) await once(opts.output, 'drain');
    }
    return combiner.stats;
  } finally {
    combiner.close();
  }
}
