// Discover's core (PROTOCOL.md §3.3), with the tables behind a TableCatalog: list every table,
// describe them with bounded concurrency, keep those whose stream carries both images, type their
// keys (and, from a sample, their other attributes), and build one binding per table, sorted by
// table name. Every table left out is logged with the reason.
import { keySchemaOf } from '../capture/table-capture.js';
import { keyPointers } from '../decode/key.js';
import type { NumberEncoding } from '../decode/number.js';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TableCatalog } from './catalog.js';
import { documentSchema } from './document-schema.js';
import { inferItems, topLevelSchemas, type Schema } from './infer.js';
import { mapLimit } from './map-limit.js';
import { enableStreamFix, streamProblem } from './stream-check.js';

/** DescribeTable calls in flight at once: Estuary's 10, well under DynamoDB's control-plane limits. */
export const DESCRIBE_CONCURRENCY = 10;
/** Skipped tables quoted in the NO_TABLES message; the rest are in the log. */
const MAX_QUOTED_SKIPS = 10;

export interface DiscoveredBinding {
  recommendedName: string;
  resourceConfig: { table: string };
  documentSchema: Schema;
  key: string[];
}

export interface DiscoverOptions {
  /** Items sampled per table to type non-key attributes; 0 = keys only. */
  sampleSize: number;
  /** How the capture writes numbers, so that sampled types match its documents. */
  numbers?: NumberEncoding;
  log: Logger;
  /** For messages: where the tables were listed. */
  region: string;
  endpoint: string;
  concurrency?: number;
}

export async function discoverBindings(catalog: TableCatalog, opts: DiscoverOptions): Promise<DiscoveredBinding[]> {
  const tables = await catalog.listTables();
  const skipped: { table: string; reason: string }[] = [];
  const found = await mapLimit(tables, opts.concurrency ?? DESCRIBE_CONCURRENCY, async (table): Promise<DiscoveredBinding | undefined> => {
    const desc = await catalog.describeTable(table);
    const reason = desc === undefined ? 'it was deleted after it was listed' : streamProblem(desc);
    if (desc === undefined || reason !== undefined) {
      skipped.push({ table, reason: reason! });
      opts.log.info('table skipped: it cannot be captured', { table, reason: reason! });
      return undefined;
    }
    const ks = keySchemaOf(desc, table);
    let attributes: Record<string, Schema> = {};
    if (opts.sampleSize > 0) {
      const items = await catalog.sampleItems(table, opts.sampleSize);
      const skip = new Set([ks.hash.name, ...(ks.range ? [ks.range.name] : []), '_meta']);
      attributes = topLevelSchemas(inferItems(items, skip), opts.numbers);
      opts.log.debug('table sampled', { table, items: items.length, attributes: Object.keys(attributes).length });
    }
    return { recommendedName: table, resourceConfig: { table }, documentSchema: documentSchema(table, ks, attributes), key: keyPointers(ks) };
  });
  const bindings = found.filter((b): b is DiscoveredBinding => b !== undefined).sort((a, b) => compare(a.recommendedName, b.recommendedName));
  if (bindings.length === 0) throw noTables(tables.length, skipped.sort((a, b) => compare(a.table, b.table)), opts);
  opts.log.info('discovered tables', { bindings: bindings.length, tables: tables.length, skipped: skipped.length });
  return bindings;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function noTables(listed: number, skipped: { table: string; reason: string }[], opts: DiscoverOptions): ConnectorError {
  const quoted = skipped.slice(0, MAX_QUOTED_SKIPS).map((s) => `"${s.table}": ${s.reason}`);
  if (skipped.length > MAX_QUOTED_SKIPS) quoted.push(`and ${skipped.length - MAX_QUOTED_SKIPS} more (see the log)`);
  const what =
    listed === 0
      ? `no DynamoDB tables were found in region "${opts.region}" at ${opts.endpoint}`
      : `none of the ${listed} DynamoDB tables in region "${opts.region}" at ${opts.endpoint} can be captured (${quoted.join('; ')})`;
  return new ConnectorError(
    'NO_TABLES',
    `${what}. A table is captured through its DynamoDB stream: ${enableStreamFix()}. ` +
      `Check that region "${opts.region}" is the tables' region, and that the credentials have the IAM permissions dynamodb:ListTables, dynamodb:DescribeTable and dynamodb:Scan (sampling at discover and the backfill), and for the capture dynamodb:DescribeStream, dynamodb:GetShardIterator and dynamodb:GetRecords`,
    { fields: { region: opts.region, endpoint: opts.endpoint, tables: listed } },
  );
}
