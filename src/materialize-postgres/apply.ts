// apply: makes the database match the materialization, idempotently, in one transaction: the
// schema, flow_checkpoints_v1, and per binding its table (created with the selected fields, or
// grown by ADD COLUMN; a column no longer selected loses NOT NULL). A column whose field now takes
// more types is widened in place (to JSONB, or to TEXT) with every stored value converted; any
// other type change is refused, as validate reports it INCOMPATIBLE. actionDescription lists the
// SQL that ran.
import { ConnectorError } from '../errors.js';
import type { Apply } from '../generated/materialize-request.js';
import { canHold, canWiden } from './column-types.js';
import { parseEndpointConfig, parseResourceConfigs } from './config.js';
import type { VerbContext } from './context.js';
import type { Db } from './db.js';
import { dbError } from './db-errors.js';
import { addColumnSql, CHECKPOINTS_TABLE, createCheckpointsSql, createSchemaSql, createTableSql, dropNotNullSql, widenColumnSql } from './ddl.js';
import { describeTable, primaryKeyOf, schemaExists } from './introspect.js';
import { columnsOf, describeBinding, tableShapeOf, type TableShape } from './table-shape.js';

export const NOTHING_TO_DO = 'nothing to apply: the schema, flow_checkpoints_v1 and every table already match';

/** The statements that bring one existing (or missing) table to its shape. */
async function planTable(db: Db, shape: TableShape): Promise<string[]> {
  const existing = await describeTable(db, shape.schema, shape.table);
  if (!existing) return [createTableSql(shape)];
  const where = describeBinding(shape);
  if (!shape.delta) {
    const pk = primaryKeyOf(existing).sort();
    const keys = shape.keys.map((k) => k.name).sort();
    if (pk.join('\u0000') !== keys.join('\u0000')) {
      throw new ConnectorError(
        'BAD_CONFIG',
        `${where}: the table exists with primary key (${pk.join(', ') || 'none'}) but the binding's keys are (${keys.join(', ')}); drop the table or bind another one`,
      );
    }
  }
  const out: string[] = [];
  const selected = new Set<string>();
  for (const c of columnsOf(shape)) {
    selected.add(c.name);
    const col = existing.get(c.name);
    if (!col) out.push(addColumnSql(shape, c));
    else if (canHold(col.type, c.type)) continue;
    else if (canWiden(col.type, c.type)) out.push(widenColumnSql(shape, c.name, c.type));
    else {
      throw new ConnectorError('BAD_CONFIG', `${where}: column ${JSON.stringify(c.name)} is ${col.type} but the field now needs ${c.type}; drop the column (or the table) to re-create it`);
    }
  }
  for (const col of existing.values()) if (!selected.has(col.name) && col.notNull && !col.primaryKey) out.push(dropNotNullSql(shape, col.name));
  return out;
}

export async function apply(req: Apply, ctx: VerbContext): Promise<{ applied: { actionDescription: string } }> {
  const m = req.materialization;
  const cfg = parseEndpointConfig(m.config, ctx.log);
  const bindings = m.bindings ?? [];
  parseResourceConfigs(
    bindings.map((b) => b.resourceConfig),
    `materialization ${JSON.stringify(m.name)}`,
  );
  const shapes = bindings.map((b, i) => tableShapeOf(b, i, cfg.schema));
  const db = await ctx.connect(cfg.target);
  try {
    const statements = await db
      .transaction(async () => {
        const plan: string[] = [];
        if (!(await schemaExists(db, cfg.schema))) plan.push(createSchemaSql(cfg.schema));
        if (!(await describeTable(db, cfg.schema, CHECKPOINTS_TABLE))) plan.push(createCheckpointsSql(cfg.schema));
        for (const shape of shapes) plan.push(...(await planTable(db, shape)));
        for (const sql of plan) await db.query(sql);
        return plan;
      })
      .catch((e: unknown) => {
        throw dbError(e, `applying materialization ${JSON.stringify(m.name)}`, db.where);
      });
    for (const sql of statements) ctx.log.info('apply ran', { sql });
    return { applied: { actionDescription: statements.length === 0 ? NOTHING_TO_DO : statements.map((s) => `${s};`).join('\n') } };
  } finally {
    await db.close();
  }
}
