// A materialization session, from open to EOF: installs the fence, answers opened with the last
// committed runtime checkpoint, then runs transactions (PROTOCOL.md §6):
//   acknowledge → acknowledged; load* ; flush → loaded* flushed; store* ; startCommit → startedCommit.
// The order is enforced here; the database work is in transaction.ts.
import { ConnectorError } from '../errors.js';
import type { Open } from '../generated/materialize-request.js';
import { parseJson } from '../json/parse.js';
import { stringify } from '../json/stringify.js';
import type { Json, JsonObject } from '../json/value.js';
import type { Writer } from '../protocol/writer.js';
import { bindTable, type BoundTable } from './bound-table.js';
import { parseEndpointConfig, parseResourceConfigs } from './config.js';
import type { VerbContext } from './context.js';
import type { Db } from './db.js';
import { dbError } from './db-errors.js';
import { FULL_RANGE, installFence, type Fence } from './fence.js';
import { describeTable } from './introspect.js';
import type { MaterializeRequestParts } from './request.js';
import { describeBinding, tableShapeOf } from './table-shape.js';
import { Transaction } from './transaction.js';

type TxRequest = Extract<MaterializeRequestParts, { verb: 'acknowledge' | 'load' | 'flush' | 'store' | 'startCommit' }>;

const line = (msg: Record<string, Json>): string => stringify(msg);

export class Session {
  /** loading: loads and flush may come; storing: stores and startCommit may come. */
  private phase: 'loading' | 'storing' = 'loading';
  /** A commit (or the open) that the runtime has not acknowledged yet. */
  private awaitingAck = true;
  private tx: Transaction;
  private transactions = 0;

  constructor(
    private readonly db: Db,
    private readonly tables: readonly BoundTable[],
    private readonly fence: Fence,
    private readonly writer: Writer,
    private readonly ctx: VerbContext,
  ) {
    this.tx = new Transaction(db, tables);
  }

  async handle(req: TxRequest): Promise<void> {
    switch (req.verb) {
      case 'acknowledge':
        if (!this.awaitingAck) throw this.outOfOrder('acknowledge', 'there is no commit to acknowledge');
        this.awaitingAck = false;
        await this.writer.write([line({ acknowledged: {} })]);
        return;
      case 'load': {
        if (this.phase !== 'loading') throw this.outOfOrder('load', 'loads come before flush');
        const t = this.table(req.body.binding);
        if (!t.loadSql) throw new ConnectorError('BAD_REQUEST', `load for ${describeBinding(t.shape)}, which uses delta updates: nothing is loaded from it`);
        this.tx.load(t, req.body.key as Json[]);
        return;
      }
      case 'flush':
        if (this.phase !== 'loading') throw this.outOfOrder('flush', 'this transaction was already flushed');
        if (this.awaitingAck) throw this.outOfOrder('flush', 'the previous commit is not acknowledged yet');
        await this.tx.flushLoads((binding, docs) => this.writer.write(docs.map((doc) => line({ loaded: { binding, doc } }))));
        this.phase = 'storing';
        await this.writer.write([line({ flushed: {} })]);
        return;
      case 'store': {
        if (this.phase !== 'storing') throw this.outOfOrder('store', 'stores come after flush');
        const b = req.body;
        await this.tx.store(this.table(b.binding), b.key as Json[], (b.values ?? []) as Json[], b.doc as JsonObject | undefined, b.delete ?? false);
        return;
      }
      case 'startCommit': {
        if (this.phase !== 'storing') throw this.outOfOrder('startCommit', 'a transaction is committed after its flush');
        const started = Date.now();
        await this.tx.commit(this.fence, stringify(req.body.runtimeCheckpoint as JsonObject));
        this.transactions++;
        this.ctx.log.debug('committed', { transaction: this.transactions, ...this.tx.stats, commitMs: Date.now() - started });
        this.tx = new Transaction(this.db, this.tables);
        this.phase = 'loading';
        this.awaitingAck = true;
        await this.writer.write([line({ startedCommit: {} })]);
        return;
      }
    }
  }

  /** stdin ended: fine between transactions; inside one, nothing of it was committed. */
  async endOfInput(): Promise<void> {
    const s = this.tx.stats;
    if (this.phase === 'storing' || s.loads > 0) {
      await this.tx.rollback();
      throw new ConnectorError('BAD_REQUEST', `stdin ended inside a transaction (${s.loads} loads, ${s.stores} stores, no startCommit); nothing of it was committed`);
    }
    this.ctx.log.info('input ended', { transactions: this.transactions });
  }

  async close(): Promise<void> {
    await this.tx.rollback();
    await this.db.close();
  }

  private table(binding: number | undefined): BoundTable {
    const i = binding ?? 0;
    const t = this.tables[i];
    if (!t) throw new ConnectorError('BAD_REQUEST', `binding ${i} does not exist: the materialization has ${this.tables.length} bindings`);
    return t;
  }

  private outOfOrder(verb: string, why: string): ConnectorError {
    return new ConnectorError('BAD_REQUEST', `${verb} out of order: ${why} (PROTOCOL.md §6 gives the sequence)`);
  }
}

/** open: binds every table, takes the fence, and writes opened. */
export async function openSession(req: Open, ctx: VerbContext, writer: Writer): Promise<Session> {
  const m = req.materialization;
  const cfg = parseEndpointConfig(m.config, ctx.log);
  const bindings = m.bindings ?? [];
  parseResourceConfigs(
    bindings.map((b) => b.resourceConfig),
    `materialization ${JSON.stringify(m.name)}`,
  );
  const shapes = bindings.map((b, i) => tableShapeOf(b, i, cfg.schema));
  const range = req.range ? { keyBegin: req.range.keyBegin ?? 0, keyEnd: req.range.keyEnd ?? 0 } : FULL_RANGE;
  const db = await ctx.connect(cfg.target);
  try {
    const tables: BoundTable[] = [];
    for (const shape of shapes) tables.push(bindTable(shape, await describeTable(db, shape.schema, shape.table).catch((e: unknown) => Promise.reject(dbError(e, 'reading table columns', db.where)))));
    const { fence, checkpoint } = await installFence(db, cfg.schema, m.name, range).catch((e: unknown) => Promise.reject(dbError(e, 'taking the fence in flow_checkpoints_v1 (has apply run?)', db.where)));
    const opened: JsonObject = checkpoint === null ? {} : { runtimeCheckpoint: parseJson(checkpoint) };
    ctx.log.info('opened', { materialization: m.name, keyBegin: range.keyBegin, keyEnd: range.keyEnd, fence: fence.fence, bindings: tables.length, resumed: checkpoint !== null });
    await writer.write([line({ opened })]);
    return new Session(db, tables, fence, writer, ctx);
  } catch (e) {
    await db.close();
    throw e;
  }
}
