// Reads the capture's output and gathers the next transaction. Captured documents are held until
// the checkpoint that commits them arrives, then combined partially by key (PROTOCOL.md §5) into
// the pending transaction; each checkpoint's state update is applied to the capture state. The
// pending transaction can close at any checkpoint boundary: `take()` hands over everything up to
// the last checkpoint and the state after it. Reading pauses while the pending transaction is over
// its document or byte budget (backpressure back to the capture), but only once a checkpoint makes
// it closable, since documents cannot be split from their checkpoint.
import { ConnectorError } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import { Combiner } from '../reduce/combiner.js';
import type { SchemaIndex } from '../reduce/schema-index.js';
import { intOf } from './rpc.js';
import { applyStateUpdate } from './runtime-checkpoint.js';

export interface FeedBinding {
  schema: SchemaIndex;
  keyPointers: readonly string[];
}

export interface FeedLimits {
  /** Documents (as captured) past which reading pauses until the transaction closes. */
  maxDocs: number;
  /** Bytes of captured lines past which reading pauses. */
  maxBytes: number;
}

/** A closed transaction of captured documents. */
export interface FeedTxn {
  /** Partially combined documents per binding index. */
  combiners: Map<number, Combiner>;
  documents: number;
  bytes: number;
  /** Capture checkpoints it covers (what an explicit acknowledgement counts). */
  checkpoints: number;
  /** The capture state after its last checkpoint. */
  state: Json;
}

interface Held {
  binding: number;
  doc: JsonObject;
}

export class CaptureFeed {
  private combiners = new Map<number, Combiner>();
  private held: Held[] = [];
  private heldBytes = 0;
  private documents = 0;
  private bytes = 0;
  private checkpoints = 0;
  private state: Json;
  private waiters: (() => void)[] = [];
  private room: (() => void) | undefined;
  private ended = false;
  private discarding = false;
  /** The capture's `opened` response. */
  openedBody: JsonObject | undefined;

  constructor(
    private readonly bindings: readonly FeedBinding[],
    initialState: Json,
    private readonly limits: FeedLimits,
  ) {
    this.state = initialState;
  }

  /** A checkpoint (or the end of input) is waiting. */
  get ready(): boolean {
    return this.checkpoints > 0 || this.ended;
  }

  get full(): boolean {
    return this.documents >= this.limits.maxDocs || this.bytes >= this.limits.maxBytes;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Resolves once `ready`, or once the pending transaction is full. */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  /** Resolves when full or ended, or after `ms`; for gathering more checkpoints into one transaction. */
  linger(ms: number): Promise<void> {
    if (this.full || this.ended || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const check = (): void => {
        if (this.full || this.ended) done();
        else this.waiters.push(check);
      };
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(check);
    });
  }

  /** Hands over everything up to the last checkpoint; undefined when no checkpoint is waiting. */
  take(): FeedTxn | undefined {
    if (this.checkpoints === 0) return undefined;
    const txn: FeedTxn = { combiners: this.combiners, documents: this.documents, bytes: this.bytes, checkpoints: this.checkpoints, state: this.state };
    this.combiners = new Map();
    this.documents = 0;
    this.bytes = 0;
    this.checkpoints = 0;
    const room = this.room;
    this.room = undefined;
    room?.();
    return txn;
  }

  /** From now on, reads and drops everything (the pipe is failing; nothing more will commit). */
  discard(): void {
    this.discarding = true;
    this.held = [];
    this.combiners = new Map();
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  /** Reads the capture's output to its end. Rejects on a bad line. */
  async consume(lines: AsyncIterable<string>): Promise<void> {
    try {
      for await (const line of lines) {
        if (this.discarding) continue;
        this.line(line);
        if (this.checkpoints > 0 && this.full) await new Promise<void>((r) => (this.room = r));
      }
    } finally {
      this.ended = true;
      this.wake();
    }
    if (this.held.length > 0 && !this.discarding) {
      throw new ConnectorError('BAD_REQUEST', `the capture's output ended with ${this.held.length} document(s) after its last checkpoint; they are not committed`);
    }
  }

  private line(line: string): void {
    if (line.startsWith('{"captured"')) {
      const msg = parseJson(line) as { captured?: { binding?: Json; doc?: Json } };
      const binding = intOf(msg.captured?.binding, 'captured.binding');
      const doc = msg.captured?.doc;
      if (!this.bindings[binding]) throw new ConnectorError('BAD_REQUEST', `the capture wrote a document for binding ${binding}, which it does not have`);
      if (!isJsonObject(doc)) throw new ConnectorError('BAD_REQUEST', `the capture wrote a document for binding ${binding} that is not a JSON object`);
      this.held.push({ binding, doc });
      this.heldBytes += line.length;
      return;
    }
    if (line.startsWith('{"checkpoint"')) {
      const cp = (JSON.parse(line) as { checkpoint: { state?: { updated?: Json; mergePatch?: boolean } } }).checkpoint;
      if (!cp.state) throw new ConnectorError('BAD_REQUEST', 'the capture wrote a checkpoint without state');
      this.state = applyStateUpdate(this.state, cp.state.updated ?? {}, cp.state.mergePatch === true);
      for (const h of this.held) this.combinerOf(h.binding).add(h.doc);
      this.documents += this.held.length;
      this.bytes += this.heldBytes;
      this.held = [];
      this.heldBytes = 0;
      this.checkpoints++;
      this.wake();
      return;
    }
    if (line.trim() === '') return;
    const { verb, body } = parseLine(line);
    if (verb === 'opened') this.openedBody = body;
    else if (verb !== 'sourcedSchema') throw new ConnectorError('BAD_REQUEST', `the capture wrote an unexpected ${verb} response`);
  }

  private combinerOf(binding: number): Combiner {
    let c = this.combiners.get(binding);
    if (!c) {
      const b = this.bindings[binding]!;
      c = new Combiner({ schema: b.schema, keyPointers: b.keyPointers, mode: 'partial' });
      this.combiners.set(binding, c);
    }
    return c;
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

function parseLine(line: string): { verb: string; body: JsonObject } {
  const v = JSON.parse(line) as Record<string, unknown>;
  const verb = Object.keys(v)[0] ?? '';
  return { verb, body: (v[verb] ?? {}) as JsonObject };
}
