// The pipe's side of an open materialization (PROTOCOL.md §6): it writes requests and reads the
// responses, checking their order. A reader loop takes every response as it arrives and settles
// what waits on it: `opened`, `flushed`, `startedCommit`, and `acknowledged` (one per acknowledge,
// in order); `loaded` documents go to the handler of the transaction that is loading. A response
// out of place, a bad line, or the connector's exit fails every waiter, now and later.
import { ConnectorError } from '../errors.js';
import type { Json, JsonObject } from '../json/value.js';
import type { ConnectorConn } from './connector.js';
import { exitText, intOf, parseResponse } from './rpc.js';

/** Requests are written in chunks of about this many characters (fewer, larger writes). */
const SEND_CHUNK_CHARS = 1 << 20;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // a failure nobody waits for yet is reported through `failed`
  return { promise, resolve, reject };
}

export type LoadedHandler = (binding: number, doc: JsonObject) => void;

export class MaterializeClient {
  private opened: Deferred<JsonObject> | undefined;
  private flushed: Deferred<JsonObject> | undefined;
  private started: Deferred<JsonObject> | undefined;
  private readonly acks: Deferred<JsonObject>[] = [];
  private onLoaded: LoadedHandler | undefined;
  private buffer: string[] = [];
  private bufferChars = 0;
  private failure: Error | undefined;
  private readonly failedSignal = deferred<never>();
  private closing = false;
  /** Settles (rejects) when the connection fails; for racing against other waits. */
  readonly failed: Promise<never> = this.failedSignal.promise;
  readonly done: Promise<void>;

  constructor(
    private readonly conn: ConnectorConn,
    private readonly serialize: (msg: Record<string, unknown>) => string,
  ) {
    this.done = this.readLoop();
  }

  open(request: Record<string, unknown>): Promise<JsonObject> {
    this.opened = deferred();
    this.queue({ open: request });
    return this.flushThen(this.opened);
  }

  /** Sends acknowledge; resolves with its `acknowledged`. */
  acknowledge(): Promise<JsonObject> {
    const d = deferred<JsonObject>();
    this.acks.push(d);
    this.queue({ acknowledge: {} });
    return this.flushThen(d);
  }

  /** Acknowledges still unanswered. */
  get pendingAcks(): number {
    return this.acks.length;
  }

  /** Starts a transaction's loads: loaded documents go to `handler` until flushed. */
  beginLoads(handler: LoadedHandler): void {
    this.onLoaded = handler;
  }

  load(binding: number, key: Json[], keyPacked: string): Promise<void> {
    return this.queue({ load: { binding, key, keyPacked } });
  }

  /** Sends flush; resolves with `flushed` once every `loaded` before it has been handled. */
  flush(): Promise<JsonObject> {
    if (this.acks.length > 0) return Promise.reject(new ConnectorError('INTERNAL', 'flush before the prior commit was acknowledged; this is a bug in source-dynamodb pipe'));
    this.flushed = deferred();
    this.queue({ flush: {} });
    return this.flushThen(this.flushed);
  }

  store(msg: Record<string, unknown>): Promise<void> {
    return this.queue({ store: msg });
  }

  startCommit(runtimeCheckpoint: JsonObject): Promise<JsonObject> {
    this.started = deferred();
    this.queue({ startCommit: { runtimeCheckpoint } });
    return this.flushThen(this.started);
  }

  /** Ends the session: closes stdin (after an acknowledge, a clean exit) and awaits the exit. */
  async close(): Promise<void> {
    this.closing = true;
    await this.sendBuffered();
    this.conn.end();
    await this.done;
    const status = await this.conn.exited;
    if (status.code !== 0) throw new ConnectorError('IO', `the materialization ${exitText(status, this.conn)}`);
  }

  private queue(msg: Record<string, unknown>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const line = this.serialize(msg);
    this.buffer.push(line);
    this.bufferChars += line.length;
    return this.bufferChars >= SEND_CHUNK_CHARS ? this.sendBuffered() : Promise.resolve();
  }

  private async sendBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    this.bufferChars = 0;
    try {
      await this.conn.send(lines);
    } catch {
      // It went away; the read loop reports why, from its exit status.
      await this.done;
      throw this.failure ?? new ConnectorError('IO', 'the materialization stopped reading its input');
    }
  }

  private async flushThen<T>(d: Deferred<T>): Promise<T> {
    await this.sendBuffered();
    return d.promise;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const d of [this.opened, this.flushed, this.started, ...this.acks.splice(0)]) d?.reject(e);
    this.failedSignal.reject(e);
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const line of this.conn.lines) {
        if (line.trim() === '') continue;
        this.handle(parseResponse(line, 'materialization'));
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
    if (this.failure) return;
    if (this.closing && !this.opened && !this.flushed && !this.started) return;
    const status = await this.conn.exited;
    this.fail(new ConnectorError('IO', `the materialization ${exitText(status, this.conn)} in the middle of its session`));
  }

  private handle({ verb, body }: { verb: string; body: JsonObject }): void {
    const unexpected = (what: string): never => {
      throw new ConnectorError('BAD_REQUEST', `the materialization sent ${verb} ${what}`);
    };
    switch (verb) {
      case 'opened':
        if (!this.opened) unexpected('without an open');
        this.opened!.resolve(body);
        this.opened = undefined;
        return;
      case 'loaded': {
        if (!this.onLoaded) unexpected('outside of a transaction\'s loads');
        const doc = body.doc;
        if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) unexpected('without a document');
        this.onLoaded!(intOf(body.binding, 'loaded.binding'), doc as JsonObject);
        return;
      }
      case 'flushed':
        if (!this.flushed) unexpected('without a flush');
        this.onLoaded = undefined;
        this.flushed!.resolve(body);
        this.flushed = undefined;
        return;
      case 'startedCommit':
        if (!this.started) unexpected('without a startCommit');
        this.started!.resolve(body);
        this.started = undefined;
        return;
      case 'acknowledged': {
        const d = this.acks.shift();
        if (!d) unexpected('without an acknowledge');
        d!.resolve(body);
        return;
      }
      default:
        unexpected('(not a materialize response)');
    }
  }
}
