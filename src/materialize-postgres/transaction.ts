// One materialization transaction against the database: loads gathered until flush, then read
// in batches; stores written in batches inside one database transaction that begins with the
// first batch, so memory stays bounded however large the runtime transaction; startCommit adds
// the fenced checkpoint update and commits (fence.ts). Nothing is visible to others, and nothing
// lands at all, unless that commit succeeds.
import { parseJson } from '../json/parse.js';
import type { Json } from '../json/value.js';
import { encodeKey, encodeRest, type BoundTable } from './bound-table.js';
import type { Db } from './db.js';
import { dbError } from './db-errors.js';
import type { Param } from './encode.js';
import { commitCheckpoint, type Fence } from './fence.js';
import { describeBinding } from './table-shape.js';

/** Keys per load statement: large enough to amortize a round trip, small enough to stream results. */
export const LOAD_BATCH_KEYS = 5_000;
/** Rows per store statement, and the parameter text per batch after which it is written early. */
export const STORE_BATCH_ROWS = 2_000;
export const STORE_BATCH_CHARS = 8 * 1024 * 1024;

interface StoreRow {
  key: Param[];
  rest: Param[];
  delete: boolean;
}

/** A batch of one binding: for standard bindings one entry per key (the later store wins). */
interface Batch {
  rows: Map<string, StoreRow> | StoreRow[];
}

const keyId = (key: Param[]): string => JSON.stringify(key);

/** Columns of rows as arrays: the parameters of an unnest() statement. */
function columns(rows: readonly Param[][], width: number): Param[][] {
  const out: Param[][] = Array.from({ length: width }, () => []);
  for (const r of rows) for (let i = 0; i < width; i++) out[i]!.push(r[i]!);
  return out;
}

export interface TransactionStats {
  loads: number;
  loaded: number;
  stores: number;
  deletes: number;
}

export class Transaction {
  private loads = new Map<number, Map<string, Param[]>>();
  private batches = new Map<number, Batch>();
  private batchRows = 0;
  private batchChars = 0;
  private begun = false;
  readonly stats: TransactionStats = { loads: 0, loaded: 0, stores: 0, deletes: 0 };

  constructor(
    private readonly db: Db,
    private readonly tables: readonly BoundTable[],
  ) {}

  load(t: BoundTable, key: readonly Json[]): void {
    const params = encodeKey(t, key);
    let m = this.loads.get(t.shape.binding);
    if (!m) this.loads.set(t.shape.binding, (m = new Map()));
    m.set(keyId(params), params);
    this.stats.loads++;
  }

  /** Reads every loaded key that exists and hands the documents to `emit`, batch by batch. */
  async flushLoads(emit: (binding: number, docs: Json[]) => Promise<void>): Promise<void> {
    for (const [binding, keys] of this.loads) {
      const t = this.tables[binding]!;
      const all = [...keys.values()];
      for (let i = 0; i < all.length; i += LOAD_BATCH_KEYS) {
        const batch = all.slice(i, i + LOAD_BATCH_KEYS);
        let rows;
        try {
          ({ rows } = await this.db.query(t.loadSql!, columns(batch, t.keys.length)));
        } catch (e) {
          throw dbError(e, `loading ${batch.length} keys from ${t.name} (${describeBinding(t.shape)})`, this.db.where);
        }
        if (rows.length === 0) continue;
        await emit(binding, rows.map((r) => parseJson(r.doc!)));
        this.stats.loaded += rows.length;
      }
    }
    this.loads.clear();
  }

  async store(t: BoundTable, key: readonly Json[], values: readonly Json[], doc: Json | undefined, del: boolean): Promise<void> {
    // With delta updates a delete is one more event row; otherwise it removes the key's row.
    const isDelete = del && !t.shape.delta;
    const row: StoreRow = { key: encodeKey(t, key), rest: isDelete ? [] : encodeRest(t, values, doc), delete: isDelete };
    let b = this.batches.get(t.shape.binding);
    if (!b) this.batches.set(t.shape.binding, (b = { rows: t.shape.delta ? [] : new Map() }));
    if (Array.isArray(b.rows)) b.rows.push(row);
    else b.rows.set(keyId(row.key), row);
    this.stats.stores++;
    if (row.delete) this.stats.deletes++;
    this.batchRows++;
    for (const p of row.key) this.batchChars += p?.length ?? 0;
    for (const p of row.rest) this.batchChars += p?.length ?? 0;
    if (this.batchRows >= STORE_BATCH_ROWS || this.batchChars >= STORE_BATCH_CHARS) await this.writeBatches();
  }

  /** Writes the transaction's last batches and the fenced checkpoint, and commits. */
  async commit(fence: Fence, checkpointJson: string): Promise<void> {
    await this.writeBatches();
    await this.begin();
    try {
      await commitCheckpoint(this.db, fence, checkpointJson);
      await this.db.query('COMMIT');
      this.begun = false;
    } catch (e) {
      await this.rollback();
      throw dbError(e, 'committing the transaction', this.db.where);
    }
  }

  /** Abandons whatever was written (a failure, or stdin ended inside the transaction). */
  async rollback(): Promise<void> {
    if (!this.begun) return;
    this.begun = false;
    await this.db.query('ROLLBACK').catch(() => undefined);
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    await this.db.query('BEGIN');
    this.begun = true;
  }

  private async writeBatches(): Promise<void> {
    if (this.batchRows === 0) return;
    await this.begin();
    for (const [binding, b] of this.batches) {
      const t = this.tables[binding]!;
      const rows = Array.isArray(b.rows) ? b.rows : [...b.rows.values()];
      const deletes = rows.filter((r) => r.delete);
      const writes = rows.filter((r) => !r.delete);
      try {
        if (deletes.length > 0) await this.db.query(t.deleteSql!, columns(deletes.map((r) => r.key), t.keys.length));
        const width = t.keys.length + t.rest.length;
        if (writes.length > 0) await this.db.query(t.writeSql, columns(writes.map((r) => [...r.key, ...r.rest]), width));
      } catch (e) {
        await this.rollback();
        throw dbError(e, `storing ${writes.length} rows and deleting ${deletes.length} in ${t.name} (${describeBinding(t.shape)})`, this.db.where);
      }
    }
    this.batches.clear();
    this.batchRows = 0;
    this.batchChars = 0;
  }
}
