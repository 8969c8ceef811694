// The two baselines the product is measured against, each a full parallel Scan of the table:
// (a) what most Node code does: AWS SDK v3 Scan, util-dynamodb unmarshall, JSON.stringify;
// (b) the lower bound of work: raw HTTP Scan over an undici pool and JSON.parse of the bodies.
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Limiter } from '../src/aws/limiter.js';
import { RpcClient } from '../src/aws/rpc-client.js';

export const BENCH_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };

export async function sdkScan(endpoint: string, table: string, segments: number): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: BENCH_CREDENTIALS, maxAttempts: 10 });
  let items = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: segments, ExclusiveStartKey: start, ConsistentRead: true }));
        for (const item of page.Items ?? []) {
          bytes += JSON.stringify(unmarshall(item)).length;
          items++;
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
  client.destroy();
  if (bytes === 0 && items > 0) throw new Error('nothing serialized');
  return items;
}

interface RawPage {
  Items?: unknown[];
  LastEvaluatedKey?: unknown;
}

export async function rawScan(endpoint: string, table: string, segments: number): Promise<number> {
  const rpc = new RpcClient({ region: 'us-east-1', endpoint, credentials: () => Promise.resolve(BENCH_CREDENTIALS), limiter: new Limiter(segments), connections: segments });
  let items = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: unknown;
      do {
        const page: RawPage = await rpc.call<RawPage>('dynamodb', 'Scan', { TableName: table, Segment: segment, TotalSegments: segments, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) });
        items += page.Items?.length ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
  await rpc.close();
  return items;
}
