#!/usr/bin/env node
// Fetches a Node 24 binary into .cache/node24/ and prints the folder holding `node`, so CI can run
// the tests under the Node version the container ships: PATH="$(node scripts/fetch-node24.mjs):$PATH".
// The binary comes from the npm package node-<platform>-<arch> (only bin/node is extracted); npm is
// not in it, so the system npm runs under this node once it is first on PATH.

import process from 'node:process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, fetchPackedFolder } from './fetch-dynamodb-local.mjs';

/**
 * Pinned to one 24.x release so CI runs are reproducible; the Dockerfile's node:24-slim tracks
 * 24.x too. Raise it when a newer 24.x is wanted.
 */
export const NODE24_VERSION = '24.21.0';

/** Ensures the Node 24 binary is in the cache; returns the folder that holds `node`. */
export async function fetchNode24({ cacheDir = join(REPO_ROOT, '.cache', 'node24'), log } = {}) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dest = join(cacheDir, `${pkg}-${NODE24_VERSION}`);
  return fetchPackedFolder({ spec: `${pkg}@${NODE24_VERSION}`, folder: 'bin', dest, log });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  fetchNode24({ log: (line) => process.stderr.write(`fetch-node24: ${line}\n`) }).then(
    (dir) => process.stdout.write(`${dir}\n`),
    (e) => {
      process.stderr.write(`fetch-node24: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
