// One database connection, through `pg`, for both targets: a server URL, or an embedded PGlite
// served on a loopback socket (see embedded.ts for why the socket). Every value comes back as the
// server's text (no type parsers): NUMERIC stays exact, JSONB is parsed by our lossless parser,
// and no process-wide pg type registry is touched.
import pg from 'pg';
import type { Logger } from '../log.js';
import type { Target } from './config.js';
import { dbError } from './db-errors.js';
import { startEmbeddedPostgres } from './embedded.js';

/** A connection attempt that takes longer has failed (a firewall dropping packets, a wrong host). */
export const CONNECT_TIMEOUT_MS = 15_000;
/** Shown in pg_stat_activity, so a DBA can tell whose session this is. */
const APPLICATION_NAME = 'materialize-postgres';

export type Row = Record<string, string | null>;

export interface Db {
  /** Runs one statement with $n parameters (strings, null, or arrays of them). */
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Where the database is, for messages (host:port/database or the embedded folder); no secrets. */
  readonly where: string;
  close(): Promise<void>;
}

const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** "host:port/database" of a URL, without user or password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparsable connectionUri)';
  }
}

/** Opens a pg connection to `url`. */
export async function connectUrl(url: string, log: Logger, where = describeUrl(url)): Promise<Db> {
  const client = new pg.Client({ connectionString: url, types: rawText, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, application_name: APPLICATION_NAME });
  // An idle connection that drops emits 'error'; without a listener Node would crash the process.
  // The next query fails with the reason, so a warning is enough here.
  client.on('error', (e: Error) => log.warn('PostgreSQL connection failed', { where, error: log.scrub(e.message) }));
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw dbError(e, 'connecting', where);
  }
  const query = async (sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }> => {
    const r = await client.query<Row>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  return {
    where,
    query,
    async transaction(fn) {
      await query('BEGIN');
      try {
        const out = await fn();
        await query('COMMIT');
        return out;
      } catch (e) {
        await query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    close: () => client.end().catch(() => undefined),
  };
}

/** Connects to a configured target; an embedded one is started first and stopped by close(). */
export async function connect(target: Target, log: Logger): Promise<Db> {
  if (target.kind === 'url') return connectUrl(target.url, log);
  const server = await startEmbeddedPostgres(target.dataDir);
  try {
    const db = await connectUrl(server.url, log, `embedded PGlite (${target.dataDir})`);
    return {
      ...db,
      async close() {
        await db.close();
        await server.stop();
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}
