// Validate's core (PROTOCOL.md §3.2, beyond Estuary, which makes no AWS call): every binding's
// resource config parses, no table is bound twice, and each table exists with a stream that
// carries both images. Every problem is collected and reported in one error, each naming the
// binding, its table and the fix.
import { parseResourceConfig, type ResourceConfigResolved } from '../config.js';
import { ConnectorError, isConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { isPermissionDenied } from './aws-failure.js';
import type { TableCatalog } from './catalog.js';
import { DESCRIBE_CONCURRENCY } from './bindings.js';
import { mapLimit } from './map-limit.js';
import { enableStreamFix, streamProblem } from './stream-check.js';

/** One problem of one binding. */
export interface BindingProblem {
  binding: number;
  table?: string;
  problem: string;
}

export interface CheckOptions {
  region: string;
  log: Logger;
  /** Skips the AWS checks (no usable credentials yet): configs and duplicates only. */
  offline?: boolean;
  concurrency?: number;
}

/** Resource configs of the bindings, in request order, once every check passes. */
export async function checkBindings(rawConfigs: readonly unknown[], catalog: TableCatalog, opts: CheckOptions): Promise<ResourceConfigResolved[]> {
  const problems: BindingProblem[] = [];
  const parsed: (ResourceConfigResolved | undefined)[] = rawConfigs.map((raw, i) => {
    try {
      return parseResourceConfig(raw);
    } catch (e) {
      if (!isConnectorError(e)) throw e;
      const table = (raw as { table?: unknown } | null)?.table;
      problems.push({ binding: i, ...(typeof table === 'string' ? { table } : {}), problem: e.message });
      return undefined;
    }
  });

  const firstUse = new Map<string, number>();
  parsed.forEach((rc, i) => {
    if (!rc) return;
    const first = firstUse.get(rc.table);
    if (first === undefined) firstUse.set(rc.table, i);
    else problems.push({ binding: i, table: rc.table, problem: `the table is also bound by binding ${first}; a capture may bind each table once: remove one of the two bindings` });
  });

  if (!opts.offline) {
    const tables = [...firstUse.keys()];
    const tableProblems = await mapLimit(tables, opts.concurrency ?? DESCRIBE_CONCURRENCY, async (table) => {
      try {
        const desc = await catalog.describeTable(table);
        if (desc === undefined) return `the table does not exist in region "${opts.region}": check its name (names are case-sensitive) and the region, or create it`;
        const p = streamProblem(desc);
        return p === undefined ? undefined : `${p}: ${enableStreamFix(table)}`;
      } catch (e) {
        // A policy may allow some tables only: that is this binding's problem. Anything else
        // (bad credentials, unreachable endpoint) is everyone's and fails validate as is.
        if (isConnectorError(e) && isPermissionDenied(e.cause)) return e.message;
        throw e;
      }
    });
    tables.forEach((table, t) => {
      const p = tableProblems[t];
      if (p === undefined) return;
      parsed.forEach((rc, i) => {
        if (rc?.table === table) problems.push({ binding: i, table, problem: p });
      });
    });
  }

  if (problems.length > 0) throw validationFailed(problems, rawConfigs.length);
  return parsed as ResourceConfigResolved[];
}

function validationFailed(problems: BindingProblem[], bindings: number): ConnectorError {
  problems.sort((a, b) => a.binding - b.binding);
  const lines = problems.map((p) => `binding ${p.binding}${p.table === undefined ? '' : ` (table "${p.table}")`}: ${p.problem}`);
  const failing = new Set(problems.map((p) => p.binding)).size;
  return new ConnectorError('VALIDATION_FAILED', `${failing} of ${bindings} bindings cannot be captured:\n${lines.join('\n')}`, { fields: { problems } });
}
