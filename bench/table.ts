// The bench table: an S key plus N, a ~40-character S, BOOL and a map of two fields.
import { BatchWriteItemCommand, CreateTableCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';

/** BatchWriteItem's maximum batch. */
const BATCH = 25;
/** Batches in flight while loading: DynamoDB Local takes ~4 concurrent writers well on 2 cores. */
const LOAD_CONCURRENCY = 4;

export async function createBenchTable(client: DynamoDBClient, table: string, stream: boolean): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
    }),
  );
}

export function benchItem(i: number): Record<string, { S: string } | { N: string } | { BOOL: boolean } | { M: Record<string, { S: string } | { N: string }> }> {
  return {
    pk: { S: `item-${String(i).padStart(9, '0')}` },
    n: { N: String(i * 7 + 0.25) },
    s: { S: `the quick brown fox jumps over ${String(i % 100000).padStart(8, '0')}` },
    b: { BOOL: i % 2 === 0 },
    m: { M: { city: { S: 'Lisbon' }, zip: { N: String(1000 + (i % 9000)) } } },
  };
}

export async function loadItems(client: DynamoDBClient, table: string, from: number, to: number, onProgress?: (done: number) => void): Promise<void> {
  let next = from;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + BATCH);
      let requests: WriteRequest[] = [];
      for (let i = start; i < next; i++) requests.push({ PutRequest: { Item: benchItem(i) } });
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
      done += BATCH;
      if (done % 10_000 < BATCH) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
}
