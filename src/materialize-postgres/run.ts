// runMaterialize(): the whole materialize-postgres connector with its I/O injected, so tests drive
// it with in-memory streams. Before open it answers spec, validate and apply, one response each,
// in order; open starts a session that takes every later request (session.ts). Clean end: EOF
// between transactions. A failure rolls back the open database transaction and is thrown; main
// turns it into one JSON error line and a nonzero exit.
import type { Readable, Writable } from 'node:stream';
import { ConnectorError } from '../errors.js';
import { stringify } from '../json/stringify.js';
import type { Json } from '../json/value.js';
import type { Logger } from '../log.js';
import { Writer } from '../protocol/writer.js';
import { apply } from './apply.js';
import { defaultConnect, type Connect, type VerbContext } from './context.js';
import { readLines, parseRequest } from './request.js';
import { openSession, type Session } from './session.js';
import { spec } from './spec.js';
import { validate } from './validate.js';

export interface MaterializeRunDeps {
  input: Readable;
  output: Writable;
  log: Logger;
  /** How to reach the database; default: pg (and PGlite for embedded configs). */
  connect?: Connect;
  /** Registers a stop handler (SIGTERM/SIGINT in main); returns an unregister function. */
  onStop?: (handler: (reason: string) => void) => () => void;
  maxLineChars?: number;
}

export async function runMaterialize(deps: MaterializeRunDeps): Promise<void> {
  const writer = new Writer(deps.output);
  const ctx: VerbContext = { log: deps.log, connect: deps.connect ?? defaultConnect(deps.log) };
  const lines = readLines(deps.input, deps.maxLineChars)[Symbol.asyncIterator]();
  let session: Session | undefined;
  let stop: (reason: string) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = (reason) => reject(new ConnectorError('IO', `stopped by ${reason}; the open transaction, if any, was rolled back`));
  });
  stopped.catch(() => undefined);
  const unregister = deps.onStop?.((reason) => stop(reason)) ?? (() => undefined);
  const respond = (msg: Record<string, unknown>): Promise<void> => writer.write([stringify(msg as Json)]);
  try {
    for (;;) {
      const next = await Promise.race([lines.next(), stopped]);
      if (next.done) break;
      const req = parseRequest(next.value);
      deps.log.debug('request', { verb: req.verb, line: next.value.lineNo });
      if (session) {
        if (req.verb === 'spec' || req.verb === 'validate' || req.verb === 'apply' || req.verb === 'open') {
          throw new ConnectorError('BAD_REQUEST', `request line ${next.value.lineNo}: ${req.verb} after open; a session takes only acknowledge, load, flush, store and startCommit`);
        }
        await Promise.race([session.handle(req), stopped]);
        continue;
      }
      switch (req.verb) {
        case 'spec':
          await respond(spec());
          break;
        case 'validate':
          await respond(await validate(req.body, ctx));
          break;
        case 'apply':
          await respond(await apply(req.body, ctx));
          break;
        case 'open':
          session = await openSession(req.body, ctx, writer);
          break;
        default:
          throw new ConnectorError('BAD_REQUEST', `request line ${next.value.lineNo}: ${req.verb} before open; open a session first`);
      }
    }
    await session?.endOfInput();
  } finally {
    unregister();
    await session?.close();
    await writer.flush().catch(() => undefined);
  }
}
