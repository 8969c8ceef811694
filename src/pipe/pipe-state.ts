// The pipe's own durable state (optional, `--state FILE`), the part of Flow's recovery log a local
// runner needs: the materialization connector's state (its applied/flushed/startedCommit/
// acknowledged updates), the last applied spec and version (for apply's lastMaterialization), and
// the last runtime checkpoint. The checkpoint here matters only for materializations that do not
// keep it themselves: opened.runtimeCheckpoint, when present, wins, as in Flow.
// The file is replaced atomically (temp file, fsync, rename) before the pipe acknowledges a commit.
import { open, readFile, rename } from 'node:fs/promises';
import { ConnectorError } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { stringify } from '../json/stringify.js';
import type { Json } from '../json/value.js';
import type { RuntimeCheckpoint } from './runtime-checkpoint.js';
import type { MaterializationSpec } from './specs.js';

export interface PipeStateData {
  connectorState: Json;
  lastMaterialization?: MaterializationSpec;
  lastVersion?: string;
  runtimeCheckpoint?: RuntimeCheckpoint;
}

export async function readPipeState(path: string | undefined): Promise<PipeStateData> {
  const empty: PipeStateData = { connectorState: {} };
  if (!path) return empty;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return empty;
    throw new ConnectorError('IO', `cannot read the pipe state file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const data = parseJson(text) as unknown as PipeStateData;
    return { ...data, connectorState: data.connectorState ?? {} };
  } catch (e) {
    throw new ConnectorError('BAD_STATE', `the pipe state file ${path} is not valid JSON (${(e as Error).message}); restore it, or delete it to start over`, { cause: e });
  }
}

/** Writes the state file durably; a no-op without a path. Writes are serialized. */
export class PipeStateFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string | undefined,
    public data: PipeStateData,
  ) {}

  get enabled(): boolean {
    return this.path !== undefined;
  }

  save(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const text = stringify(this.data as unknown as Json) + '\n';
    this.writing = this.writing.then(async () => {
      const tmp = `${path}.tmp-${process.pid}`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    });
    return this.writing;
  }
}
