// run(): the whole connector with its I/O injected, so tests drive it with in-memory streams.
// main.ts wires it to the process; the CLI drives the same verbs.
import type { Readable, Writable } from 'node:stream';
import { ConnectorError } from './errors.js';
import type { Logger } from './log.js';
import { dispatch, type Verbs } from './protocol/dispatch.js';
import { readRequests, MAX_REQUEST_LINE_CHARS } from './protocol/reader.js';
import { parseRequest } from './protocol/validator.js';
import { Writer } from './protocol/writer.js';
import { stringify } from './json/stringify.js';
import type { Json } from './json/value.js';
import { createVerbs, type VerbDeps } from './verbs/index.js';

export interface RunDeps extends Partial<Omit<VerbDeps, 'log' | 'writer'>> {
  input: Readable;
  output: Writable;
  log: Logger;
  /** Registers a stop handler (SIGTERM/SIGINT in main); returns an unregister function. */
  onStop?: (handler: (reason: string) => void) => () => void;
  maxLineChars?: number;
}

const VERBS = ['spec', 'discover', 'validate', 'apply', 'open', 'acknowledge'] as const;

export async function run(deps: RunDeps): Promise<void> {
  const writer = new Writer(deps.output);
  const verbs: Verbs = createVerbs({ ...deps, env: deps.env ?? process.env, log: deps.log, writer });
  try {
    await dispatch(readRequests(deps.input, deps.maxLineChars ?? MAX_REQUEST_LINE_CHARS), {
      verbs,
      writer,
      log: deps.log,
      parse(value) {
        const req = parseRequest(value) as unknown as Record<string, unknown>;
        const verb = VERBS.find((v) => req[v] !== undefined);
        if (!verb) throw new ConnectorError('BAD_REQUEST', `request has no verb; expected one of ${VERBS.join(', ')}`);
        return { verb, body: req[verb] };
      },
      serialize: (msg) => stringify(msg as Json),
      onStop: deps.onStop ?? (() => () => undefined),
    });
  } finally {
    await writer.flush().catch(() => undefined);
  }
}
