// The embedded default: PGlite (PostgreSQL compiled to WebAssembly, in this process) on a data
// folder, served on a loopback TCP port by @electric-sql/pglite-socket.
//
// Why a socket rather than calling PGlite directly: the connector then has one code path, `pg`,
// for PGlite and for any PostgreSQL server, so the suite that runs on PGlite tests the code that
// runs in production; and a runner or demo can host the database in its own process (this
// helper) while the connector, psql or a test connects by URL — killing the connector then never
// touches the database files. The cost is a loopback round trip per statement; statements here
// are batched, so it does not matter.
//
// The socket has no authentication: it listens on 127.0.0.1 only, for local runs and tests.
import fs from 'node:fs';
import path from 'node:path';
import { lockDataDir, type Lock } from './embedded-lock.js';

/** Clients the embedded server accepts at once (the connector, psql, a test's checker...). */
export const EMBEDDED_MAX_CONNECTIONS = 8;
const MEMORY = 'memory://';

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops the server and closes the database (flushing it to the folder). Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  maxConnections?: number;
}

/**
 * Starts PGlite on `dataDir` (created on first use; `memory://` for a throwaway database) and
 * serves it on 127.0.0.1. Only one process may use a folder at a time (a lock file beside it).
 */
export async function startEmbeddedPostgres(dataDir: string, opts: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith(MEMORY);
  const dir = inMemory ? dataDir : path.resolve(dataDir);
  let lock: Lock | undefined;
  if (!inMemory) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    lock = lockDataDir(dir);
  }
  try {
    // Loaded on demand: the WebAssembly build is large, and a server URL never needs it.
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
    const db = await PGlite.create(dir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: opts.maxConnections ?? EMBEDDED_MAX_CONNECTIONS });
    try {
      await server.start();
    } catch (e) {
      await db.close();
      throw e;
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      stop() {
        stopped ??= (async () => {
          try {
            await server.stop();
            await db.close();
          } finally {
            lock?.release();
          }
        })();
        return stopped;
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
