// Fencing and the committed runtime checkpoint, in flow_checkpoints_v1 (one row per
// materialization and key range).
//
// open bumps the row's fence in one statement and remembers the new value; every commit updates
// the checkpoint in the same transaction as the rows, WHERE fence still equals ours. A newer
// instance that opened meanwhile has bumped the fence, so an older one's commit matches no row
// and rolls back: its rows and checkpoint never land. The bump and the fenced UPDATE take the same
// row lock, so an open waits for a commit in flight and then reads the checkpoint it committed.
import { ConnectorError } from '../errors.js';
import { qualified } from './identifiers.js';
import { CHECKPOINTS_TABLE } from './ddl.js';
import type { Db } from './db.js';

export interface Range {
  keyBegin: number;
  keyEnd: number;
}

/** An absent range (a person or a test, never the runtime) covers every key. */
export const FULL_RANGE: Range = { keyBegin: 0, keyEnd: 0xffffffff };

export interface Fence {
  schema: string;
  materialization: string;
  range: Range;
  /** Our fence value, as the server's text (BIGINT). */
  fence: string;
}

/**
 * Takes over the materialization's range: creates its row (starting from the checkpoint of the
 * narrowest row covering the range, if any — a split shard starts where its parent was) or bumps
 * its fence. Returns the fence and the last committed checkpoint's JSON text, if any.
 */
export async function installFence(db: Db, schema: string, materialization: string, range: Range): Promise<{ fence: Fence; checkpoint: string | null }> {
  const t = qualified(schema, CHECKPOINTS_TABLE);
  const sql =
    `INSERT INTO ${t} AS c (materialization, key_begin, key_end, fence, checkpoint) ` +
    `VALUES ($1, $2, $3, 1, (SELECT p.checkpoint FROM ${t} AS p WHERE p.materialization = $1 AND p.key_begin <= $2 AND p.key_end >= $3 ` +
    `ORDER BY p.key_end - p.key_begin LIMIT 1)) ` +
    `ON CONFLICT (materialization, key_begin, key_end) DO UPDATE SET fence = c.fence + 1 ` +
    `RETURNING c.fence::text AS fence, c.checkpoint::text AS checkpoint`;
  const { rows } = await db.query(sql, [materialization, String(range.keyBegin), String(range.keyEnd)]);
  const row = rows[0]!;
  return { fence: { schema, materialization, range, fence: row.fence! }, checkpoint: row.checkpoint ?? null };
}

/**
 * Inside the commit's transaction: stores the checkpoint if our fence still holds; otherwise
 * throws (the caller rolls back), naming the takeover.
 */
export async function commitCheckpoint(db: Db, f: Fence, checkpointJson: string): Promise<void> {
  const t = qualified(f.schema, CHECKPOINTS_TABLE);
  const sql = `UPDATE ${t} SET checkpoint = $1::jsonb WHERE materialization = $2 AND key_begin = $3 AND key_end = $4 AND fence = $5`;
  const { rowCount } = await db.query(sql, [checkpointJson, f.materialization, String(f.range.keyBegin), String(f.range.keyEnd), f.fence]);
  if (rowCount === 1) return;
  throw new ConnectorError(
    'BAD_STATE',
    `materialization ${JSON.stringify(f.materialization)} (keys ${f.range.keyBegin}-${f.range.keyEnd}) was opened by a newer instance since this one opened ` +
      `(fence ${f.fence} is no longer current): this instance stops and commits nothing; the newer one carries on from the last committed checkpoint`,
    { fields: { fenced: true, fence: f.fence } },
  );
}
