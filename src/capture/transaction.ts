// One capture transaction: the batches (Scan pages, GetRecords results) that arrived since the last
// write, combined per binding so each key leaves once, followed by the checkpoints covering them.
// Documents of a key are reduced left to right, in the order their batches were committed, through
// the collection schema's reduce annotations (PROTOCOL.md §5). A key seen once in a transaction, the
// usual case for a backfill page, is written as it came: reducing a lone document is the identity.
import { documentKeyFn } from '../decode/key.js';
import { parseJson } from '../json/parse.js';
import { stringify } from '../json/stringify.js';
import type { JsonObject } from '../json/value.js';
import { Combiner } from '../reduce/combiner.js';
import type { SchemaIndex } from '../reduce/schema-index.js';
import { capturedLine, checkpointLine } from './output-lines.js';
import { composePatches } from './patches.js';

/** How each binding's documents are keyed and reduced. */
export interface BindingReduction {
  keyPointers: readonly string[];
  schema: SchemaIndex;
  /** The collection key is the table's key, so OutputDoc.key identifies documents as it is. */
  keyIsTableKey: boolean;
  /** Called when the write schema rejects a document (it is then written uncombined). */
  onRejected?: (err: unknown) => void;
}

/**
 * A document for the output: its table-key identity (decode/key.ts keyString), and the document
 * as an object, or as JSON text when it was rendered straight to text (the backfill's fast path).
 */
export interface OutputDoc {
  key: string;
  doc?: JsonObject;
  text?: string;
}

const asObject = (d: OutputDoc): JsonObject => d.doc ?? (parseJson(d.text!) as JsonObject);

class BindingTxn {
  private readonly lone = new Map<string, OutputDoc>();
  private combiner: Combiner | undefined;
  private readonly combined = new Set<string>();
  /** Keys with a document the write schema rejects: their documents leave uncombined, in order. */
  private readonly apart = new Map<string, OutputDoc[]>();
  docsIn = 0;

  constructor(
    private readonly reduction: BindingReduction,
    private readonly keyOf: (doc: JsonObject) => string,
  ) {}

  add(d: OutputDoc): void {
    this.docsIn++;
    const id = this.reduction.keyIsTableKey ? d.key : this.keyOf(asObject(d));
    const kept = this.apart.get(id);
    if (kept) {
      kept.push(d);
      return;
    }
    if (this.combined.has(id)) {
      if (this.accepts(d)) this.combiner!.add(asObject(d));
      else this.apart.set(id, [d]); // after the combined ones of its key
      return;
    }
    const first = this.lone.get(id);
    if (first === undefined) {
      this.lone.set(id, d);
      return;
    }
    this.lone.delete(id);
    if (!this.accepts(first) || !this.accepts(d)) {
      this.apart.set(id, [first, d]);
      return;
    }
    this.combiner ??= new Combiner({ schema: this.reduction.schema, keyPointers: this.reduction.keyPointers, mode: 'partial' });
    this.combiner.add(asObject(first));
    this.combiner.add(asObject(d));
    this.combined.add(id);
  }

  /**
   * Whether the write schema accepts a document, so its reduce annotations can be selected. One it
   * rejects (an attribute whose type the discover sample never saw) is not combined: it leaves as
   * it is, and the runtime's own validation reports it; the capture does not fail here.
   */
  private accepts(d: OutputDoc): boolean {
    try {
      this.reduction.schema.annotate(asObject(d));
      return true;
    } catch (e) {
      this.reduction.onRejected?.(e);
      return false;
    }
  }

  /** The combined documents' texts; the transaction is spent afterwards. */
  texts(): string[] {
    const out: string[] = [];
    for (const d of this.lone.values()) out.push(d.text ?? stringify(d.doc!));
    if (this.combiner) for (const d of this.combiner.drainSync()) out.push(stringify(d.doc));
    for (const docs of this.apart.values()) for (const d of docs) out.push(d.text ?? stringify(d.doc!));
    return out;
  }
}

export class Transaction {
  private readonly bindings = new Map<number, BindingTxn>();
  private readonly patches: JsonObject[] = [];
  private readonly keyFns = new Map<number, (doc: JsonObject) => string>();

  constructor(private readonly reductions: ReadonlyMap<number, BindingReduction>) {}

  get empty(): boolean {
    return this.patches.length === 0 && this.bindings.size === 0;
  }

  add(binding: number, docs: readonly OutputDoc[], patch: JsonObject): void {
    if (docs.length > 0) {
      let b = this.bindings.get(binding);
      if (!b) {
        const reduction = this.reductions.get(binding);
        if (!reduction) throw new Error(`no reduction registered for binding ${binding}`);
        let keyOf = this.keyFns.get(binding);
        if (!keyOf) this.keyFns.set(binding, (keyOf = documentKeyFn(reduction.keyPointers)));
        b = new BindingTxn(reduction, keyOf);
        this.bindings.set(binding, b);
      }
      for (const d of docs) b.add(d);
    }
    this.patches.push(patch);
  }

  /** The transaction's lines: every binding's combined documents, then its checkpoint(s). */
  lines(): { lines: string[]; docsIn: number; docsOut: number; perBinding: Map<number, { in: number; out: number }> } {
    const lines: string[] = [];
    const perBinding = new Map<number, { in: number; out: number }>();
    for (const [binding, b] of this.bindings) {
      const texts = b.texts();
      perBinding.set(binding, { in: b.docsIn, out: texts.length });
      for (const text of texts) lines.push(capturedLine(binding, text));
    }
    const docsOut = lines.length;
    let docsIn = 0;
    for (const n of perBinding.values()) docsIn += n.in;
    for (const p of composePatches(this.patches)) lines.push(checkpointLine(p));
    return { lines, docsIn, docsOut, perBinding };
  }
}
