// The request loop: reads requests in order, validates each at entry, and hands it to its verb.
// Ordering rules live here (open is the last request except acknowledgements), meaning lives in
// src/verbs/. While a capture runs, stdin keeps being read so acknowledgements never wait.
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RequestLine } from './reader.js';
import type { Writer } from './writer.js';

/** A request after validation: exactly one verb key. */
export type VerbName = 'spec' | 'discover' | 'validate' | 'apply' | 'open' | 'acknowledge';

/** A running capture, as the loop sees it. */
export interface Session {
  /** An `acknowledge` request arrived: the runtime committed this many of our checkpoints. */
  acknowledge(checkpoints: number): void;
  /** stdin reached EOF after open. */
  endOfInput(): void;
  /** A stop signal (SIGTERM/SIGINT): end at a checkpoint boundary. */
  stop(reason: string): void;
  /** Settles when the capture has ended (after its last checkpoint is written). */
  done: Promise<void>;
}

export interface Verbs {
  /** Validated request body of spec/discover/validate/apply → the response message object. */
  unary(verb: 'spec' | 'discover' | 'validate' | 'apply', body: unknown): Promise<Record<string, unknown>>;
  /** Starts a capture; it writes `opened` and everything after it through the writer. */
  open(body: unknown): Promise<Session>;
}

export interface DispatchDeps {
  verbs: Verbs;
  writer: Writer;
  log: Logger;
  /** Validates a parsed request line; throws ConnectorError('BAD_REQUEST') listing every problem. */
  parse(value: unknown): { verb: VerbName; body: unknown };
  /** Serializes a response message to one line. */
  serialize(msg: Record<string, unknown>): string;
  /** Registers a handler for stop signals; returns an unregister function. */
  onStop(handler: (reason: string) => void): () => void;
}

export async function dispatch(requests: AsyncIterable<RequestLine>, deps: DispatchDeps): Promise<void> {
  const { verbs, writer, log } = deps;
  const it = requests[Symbol.asyncIterator]();
  let session: Session | undefined;
  let stopped = false;
  // Wakes a loop that waits for a request: a connector idle on stdin must still obey SIGTERM.
  let wake!: (v: 'stopped') => void;
  const stopSignal = new Promise<'stopped'>((resolve) => (wake = resolve));
  const unregister = deps.onStop((reason) => {
    stopped = true;
    wake('stopped');
    if (session) session.stop(reason);
  });
  try {
    for (;;) {
      if (stopped && !session) return;
      const next = session ? await Promise.race([it.next(), session.done.then(() => 'done' as const)]) : await Promise.race([it.next(), stopSignal]);
      if (next === 'done' || next === 'stopped') return;
      if (next.done) {
        if (session) {
          session.endOfInput();
          await session.done;
        }
        return;
      }
      const { verb, body } = deps.parse(next.value.value);
      log.debug('request', { verb, line: next.value.lineNo });
      if (verb === 'acknowledge') {
        if (!session) throw new ConnectorError('BAD_REQUEST', `request line ${next.value.lineNo}: acknowledge received before open; acknowledgements only follow an open request`);
        const n = (body as { checkpoints?: number }).checkpoints ?? 0;
        session.acknowledge(n);
        continue;
      }
      if (session) {
        throw new ConnectorError('BAD_REQUEST', `request line ${next.value.lineNo}: ${verb} received after open; open must be the last request, followed only by acknowledge`);
      }
      if (verb === 'open') {
        session = await verbs.open(body);
        if (stopped) session.stop('signal received during open');
        continue;
      }
      const response = await verbs.unary(verb, body);
      await writer.write([deps.serialize(response)]);
    }
  } catch (e) {
    // A bad request (or bad input) while a capture runs: end the capture at a checkpoint first,
    // so stdout never ends inside a transaction, then report the error.
    if (session) {
      session.stop('request loop failed');
      await session.done.catch(() => undefined);
    }
    throw e;
  } finally {
    unregister();
  }
}
