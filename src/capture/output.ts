// Turns a batch of documents and the state patch that commits them into protocol lines, written
// as one chunk: documents first, then their checkpoint. Callers invoke commit() synchronously
// right after their last gate decision, so the order on stdout is the order of those decisions.
import { stringify } from '../json/stringify.js';
import type { JsonObject } from '../json/value.js';
import type { Writer } from '../protocol/writer.js';

export interface OutputStats {
  documents: number;
  checkpoints: number;
}

export class CaptureOutput {
  readonly stats: OutputStats = { documents: 0, checkpoints: 0 };

  constructor(private readonly writer: Writer) {}

  /** Enqueues documents of one binding and the checkpoint after them; resolves on backpressure. */
  commit(binding: number, docs: readonly JsonObject[], statePatch: JsonObject): Promise<void> {
    const lines: string[] = [];
    for (const doc of docs) lines.push(capturedLine(binding, stringify(doc)));
    lines.push(checkpointLine(statePatch));
    this.stats.documents += docs.length;
    this.stats.checkpoints++;
    return this.writer.write(lines);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}

export function capturedLine(binding: number, docText: string): string {
  return `{"captured":{"binding":${binding},"doc":${docText}}}`;
}

export function checkpointLine(statePatch: JsonObject): string {
  return `{"checkpoint":{"state":{"updated":${stringify(statePatch)},"mergePatch":true}}}`;
}

/** Wraps a table-state patch under bindingStateV1[stateKey]. */
export function bindingPatch(stateKey: string, tablePatch: JsonObject): JsonObject {
  return { bindingStateV1: { [stateKey]: tablePatch } };
}
