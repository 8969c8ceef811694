// Endpoint and resource configs of materialize-postgres: validated against their schemas
// (protocol/materialize-postgres-*.schema.json), defaults filled in here and nowhere else.
// The connection URI is a secret: it and its password are registered with the logger before
// anything can fail, so no log line or error message carries them.
import type { Logger } from '../log.js';
import { problemsAgainst, throwProblems, type Problem } from '../protocol/validator.js';
import type { MaterializePostgresConfig } from '../generated/materialize-postgres-config.js';
import type { MaterializePostgresResource } from '../generated/materialize-postgres-resource.js';
import { identifierProblem } from './identifiers.js';

const CONFIG_SCHEMA = 'materialize-postgres-config.schema.json';
const RESOURCE_SCHEMA = 'materialize-postgres-resource.schema.json';
export const DEFAULT_SCHEMA = 'public';

/** Where the database is: a server URL, or an embedded PGlite on a folder. */
export type Target = { kind: 'url'; url: string } | { kind: 'embedded'; dataDir: string };

export interface EndpointConfig {
  target: Target;
  /** Schema of the tables and of flow_checkpoints_v1. */
  schema: string;
}

export interface ResourceConfig {
  table: string;
  deltaUpdates: boolean;
}

/** Registers the connection URI and its password (raw and decoded) with the logger. */
export function redactEndpointConfig(raw: unknown, log: Logger): void {
  const uri = (raw as { connectionUri?: unknown } | null)?.connectionUri;
  if (typeof uri !== 'string') return;
  log.redact(uri);
  const password = /^[a-z]+:\/\/[^:/@]*:([^@/]*)@/i.exec(uri)?.[1];
  if (password) {
    log.redact(password);
    try {
      log.redact(decodeURIComponent(password));
    } catch {
      // not percent-encoded text: the raw form is already registered
    }
  }
}

/** Validates an endpoint config; throws BAD_CONFIG listing every problem. */
export function parseEndpointConfig(raw: unknown, log: Logger): EndpointConfig {
  redactEndpointConfig(raw, log);
  const problems = problemsAgainst(CONFIG_SCHEMA, raw);
  const cfg = raw as MaterializePostgresConfig;
  const schema = cfg?.schema ?? DEFAULT_SCHEMA;
  if (problems.length === 0) {
    const why = identifierProblem(schema);
    if (why) problems.push({ pointer: '/schema', message: `schema name ${why}` });
  }
  throwProblems('BAD_CONFIG', 'materialize-postgres endpoint config', problems, { scrub: log.scrub });
  const target: Target = cfg.embedded ? { kind: 'embedded', dataDir: cfg.embedded.dataDir } : { kind: 'url', url: cfg.connectionUri! };
  return { target, schema };
}

/** Every problem of one binding's resource config, with pointers under `at`. */
export function resourceProblems(raw: unknown, at: string): Problem[] {
  const problems = problemsAgainst(RESOURCE_SCHEMA, raw).map((p) => ({ pointer: `${at}${p.pointer}`, message: p.message }));
  const table = (raw as MaterializePostgresResource | null)?.table;
  if (problems.length === 0 && typeof table === 'string') {
    const why = identifierProblem(table);
    if (why) problems.push({ pointer: `${at}/table`, message: `table name ${why}` });
  }
  return problems;
}

/** A resource config that validated (see resourceProblems). */
export function resourceConfigOf(raw: unknown): ResourceConfig {
  const rc = raw as MaterializePostgresResource;
  return { table: rc.table, deltaUpdates: rc.delta_updates ?? false };
}

/** Validates every binding's resource config at once; throws BAD_CONFIG listing every problem. */
export function parseResourceConfigs(raws: readonly unknown[], where: string): ResourceConfig[] {
  const problems = raws.flatMap((r, i) => resourceProblems(r, `/bindings/${i}/resourceConfig`));
  throwProblems('BAD_CONFIG', `${where} resource configs`, problems);
  return raws.map(resourceConfigOf);
}
