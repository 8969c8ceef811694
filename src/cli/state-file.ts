// Keeps a capture's committed state in a file: every checkpoint's merge patch is applied, and the
// file is replaced atomically (write to a temp file, then rename), so a reader never sees half.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { ConnectorError } from '../errors.js';
import { applyMergePatch } from '../json/merge-patch.js';
import type { Json } from '../json/value.js';

/** Least time between two rewrites of the file while checkpoints stream by. */
export const STATE_FILE_WRITE_INTERVAL_MS = 1_000;

export async function readStateFile(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return {};
    throw new ConnectorError('IO', `cannot read state file ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new ConnectorError('BAD_STATE', `state file ${path} is not valid JSON (${(e as Error).message}); restore it, or delete it to start the capture over`, { cause: e });
  }
}

export class StateFile {
  private state: Json;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    initial: Json,
  ) {
    this.state = initial;
  }

  get current(): Json {
    return this.state;
  }

  /** Applies a checkpoint (merge patch or full replacement) and schedules a rewrite. */
  apply(updated: Json, mergePatch: boolean): void {
    this.state = mergePatch ? applyMergePatch(this.state, updated) : updated;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // A failed timed write is retried by the next one; the final flush reports it.
      this.flush().catch(() => undefined);
    }, STATE_FILE_WRITE_INTERVAL_MS);
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = JSON.stringify(this.state, null, 2) + '\n';
    const write = this.writing
      .catch(() => undefined) // an earlier failure does not block later writes
      .then(async () => {
        const tmp = `${this.path}.tmp-${process.pid}`;
        try {
          await writeFile(tmp, text);
          await rename(tmp, this.path);
        } catch (e) {
          this.dirty = true; // the state in memory is still newer than the file
          throw new ConnectorError('IO', `cannot write state file ${this.path}: ${(e as Error).message}; the capture's position is not saved until this is fixed`, { cause: e });
        }
      });
    this.writing = write;
    return write;
  }
}
