// The tables of an account as discover and validate see them, behind an interface so the core
// is tested without AWS. `sdkCatalog` implements it with the AWS SDK (src/aws/sdk-clients.ts);
// every failure leaves it as a ConnectorError naming the problem and the fix.
import { DescribeTableCommand, ListTablesCommand, ScanCommand, type DynamoDBClient, type TableDescription as SdkTableDescription } from '@aws-sdk/client-dynamodb';
import { classify } from '../aws/classify.js';
import type { TableDescription } from '../aws/wire-types.js';
import type { Item } from '../decode/attribute-value.js';
import { ConnectorError } from '../errors.js';
import { awsFailure, type CallContext } from './aws-failure.js';

export interface TableCatalog {
  /** Every table name, all pages. */
  listTables(): Promise<string[]>;
  /** The table's description, or undefined when it does not exist. */
  describeTable(table: string): Promise<TableDescription | undefined>;
  /** Up to `limit` items of the table (one Scan page). */
  sampleItems(table: string, limit: number): Promise<Item[]>;
}

/** ListTables page size: the API's maximum, fewest round trips. */
const LIST_TABLES_PAGE = 100;

export const PERMISSIONS = {
  listTables: 'dynamodb:ListTables',
  describeTable: 'dynamodb:DescribeTable',
  scan: 'dynamodb:Scan (the backfill needs it too; or set advanced.discoverSampleSize to 0 to discover without sampling)',
} as const;

export function sdkCatalog(client: DynamoDBClient, where: Pick<CallContext, 'endpoint' | 'region' | 'scrub'>): TableCatalog {
  const fail = (e: unknown, operation: string, permission: string, table?: string): ConnectorError =>
    awsFailure(e, { ...where, operation, permission, ...(table === undefined ? {} : { table }) });
  return {
    async listTables() {
      const names: string[] = [];
      let start: string | undefined;
      do {
        let out;
        try {
          out = await client.send(new ListTablesCommand({ Limit: LIST_TABLES_PAGE, ...(start ? { ExclusiveStartTableName: start } : {}) }));
        } catch (e) {
          throw fail(e, 'ListTables', PERMISSIONS.listTables);
        }
        names.push(...(out.TableNames ?? []));
        const last = out.LastEvaluatedTableName;
        if (last !== undefined && last === start) {
          throw new ConnectorError('AWS_ERROR', `ListTables at ${where.endpoint} returned the same page token "${last}" twice; the endpoint is not a DynamoDB we understand`);
        }
        start = last;
      } while (start);
      return names;
    },
    async describeTable(table) {
      try {
        const out = await client.send(new DescribeTableCommand({ TableName: table }));
        return out.Table ? wireDescription(out.Table) : {};
      } catch (e) {
        if (classify(e) === 'not-found') return undefined;
        throw fail(e, 'DescribeTable', PERMISSIONS.describeTable, table);
      }
    },
    async sampleItems(table, limit) {
      try {
        const out = await client.send(new ScanCommand({ TableName: table, Limit: limit }));
        return (out.Items ?? []) as Item[];
      } catch (e) {
        throw fail(e, 'Scan', PERMISSIONS.scan, table);
      }
    },
  };
}

/** The SDK's description in the shape the rest of the connector reads (wire-types.ts). */
function wireDescription(t: SdkTableDescription): TableDescription {
  const out: TableDescription = {};
  if (t.TableName !== undefined) out.TableName = t.TableName;
  if (t.TableStatus !== undefined) out.TableStatus = t.TableStatus;
  if (t.KeySchema) {
    out.KeySchema = t.KeySchema.flatMap((k) => (k.AttributeName && k.KeyType ? [{ AttributeName: k.AttributeName, KeyType: k.KeyType }] : []));
  }
  if (t.AttributeDefinitions) {
    out.AttributeDefinitions = t.AttributeDefinitions.flatMap((d) => (d.AttributeName && d.AttributeType ? [{ AttributeName: d.AttributeName, AttributeType: d.AttributeType }] : []));
  }
  if (t.StreamSpecification) {
    out.StreamSpecification = {};
    if (t.StreamSpecification.StreamEnabled !== undefined) out.StreamSpecification.StreamEnabled = t.StreamSpecification.StreamEnabled;
    if (t.StreamSpecification.StreamViewType !== undefined) out.StreamSpecification.StreamViewType = t.StreamSpecification.StreamViewType;
  }
  if (t.LatestStreamArn !== undefined) out.LatestStreamArn = t.LatestStreamArn;
  if (t.ItemCount !== undefined) out.ItemCount = t.ItemCount;
  return out;
}
