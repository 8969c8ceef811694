// validate: the endpoint config parses and the database answers; every binding's resource config
// is valid and names its own table; each binding gets its constraints (constraints.ts), checked
// against the table if it already exists. Every config problem is reported at once.
import { ConnectorError } from '../errors.js';
import type { Validate } from '../generated/materialize-request.js';
import type { ValidatedBinding } from '../generated/materialize-response.js';
import { throwProblems, type Problem } from '../protocol/validator.js';
import { parseEndpointConfig, resourceConfigOf, resourceProblems } from './config.js';
import { constraintsFor } from './constraints.js';
import type { VerbContext } from './context.js';
import { dbError } from './db-errors.js';
import { describeTable } from './introspect.js';

export async function validate(req: Validate, ctx: VerbContext): Promise<{ validated: { bindings: ValidatedBinding[] } }> {
  const cfg = parseEndpointConfig(req.config, ctx.log);
  const bindings = req.bindings ?? [];
  const problems: Problem[] = bindings.flatMap((b, i) => resourceProblems(b.resourceConfig, `/bindings/${i}/resourceConfig`));
  throwProblems('VALIDATION_FAILED', `materialization ${JSON.stringify(req.name ?? '')}`, problems);
  const resources = bindings.map((b) => resourceConfigOf(b.resourceConfig));
  const seen = new Map<string, number>();
  resources.forEach((r, i) => {
    const first = seen.get(r.table);
    if (first !== undefined) problems.push({ pointer: `/bindings/${i}/resourceConfig/table`, message: `table ${JSON.stringify(r.table)} is also bound by binding ${first}; each binding needs its own table` });
    else seen.set(r.table, i);
  });
  throwProblems('VALIDATION_FAILED', `materialization ${JSON.stringify(req.name ?? '')}`, problems);

  const db = await ctx.connect(cfg.target);
  try {
    const out: ValidatedBinding[] = [];
    for (const [i, b] of bindings.entries()) {
      const r = resources[i]!;
      let existing;
      try {
        existing = await describeTable(db, cfg.schema, r.table);
      } catch (e) {
        throw dbError(e, `reading the columns of table ${JSON.stringify(r.table)}`, db.where);
      }
      if (b.collection.key.length === 0) throw new ConnectorError('VALIDATION_FAILED', `binding ${i}: collection ${b.collection.name} has no key`);
      out.push({ constraints: constraintsFor(b.collection, r.deltaUpdates, existing), resourcePath: [r.table], deltaUpdates: r.deltaUpdates });
    }
    return { validated: { bindings: out } };
  } finally {
    await db.close();
  }
}
