// The one owner of stdout. Every call writes whole lines as a single chunk, so documents and the
// checkpoint that commits them land back to back and no partial line is ever written by us.
// Callers await write(): that is the backpressure path from stdout back to the scan workers.
import type { Writable } from 'node:stream';
import { ConnectorError } from '../errors.js';

export class Writer {
  private tail: Promise<void> = Promise.resolve();
  private failed: ConnectorError | undefined;
  private linesWritten = 0;

  constructor(private readonly out: Writable) {
    out.on('error', (err: Error) => {
      this.failed ??= new ConnectorError('IO', `writing to stdout failed (${err.message}); the reader of this connector's output went away`, { cause: err });
    });
  }

  /** Lines written so far (for progress logs and tests). */
  get count(): number {
    return this.linesWritten;
  }

  /** Writes each line followed by "\n" as one chunk; resolves when the stream accepted it. */
  write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return this.tail;
    const chunk = lines.join('\n') + '\n';
    const next = this.tail.then(() => this.writeChunk(chunk, lines.length));
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every accepted chunk has been handed to the stream. */
  flush(): Promise<void> {
    return this.tail.then(() => {
      if (this.failed) throw this.failed;
    });
  }

  private writeChunk(chunk: string, n: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<void>((resolve, reject) => {
      const ok = this.out.write(chunk, (err) => {
        if (err) {
          this.failed ??= new ConnectorError('IO', `writing to stdout failed (${err.message})`, { cause: err });
          reject(this.failed);
        }
      });
      this.linesWritten += n;
      if (ok) resolve();
      else {
        const onDrain = (): void => {
          this.out.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          this.out.off('drain', onDrain);
          this.failed ??= new ConnectorError('IO', 'stdout closed while output was pending');
          reject(this.failed);
        };
        this.out.once('drain', onDrain);
        this.out.once('close', onClose);
      }
    });
  }
}
