// Reads JSON-lines requests from a stream. Lines are framed by split2 with a length cap, so a
// runaway producer cannot exhaust memory; every line must parse as one JSON object.
import type { Readable } from 'node:stream';
import split2 from 'split2';
import { ConnectorError } from '../errors.js';

/** Request lines can be huge (Flow's Python CDK allows 128 MiB); past this we refuse the line. */
export const MAX_REQUEST_LINE_CHARS = 128 * 1024 * 1024;

export interface RequestLine {
  /** 1-based line number on stdin, for error messages. */
  lineNo: number;
  value: unknown;
}

export interface TextLine {
  /** 1-based line number on stdin, for error messages. */
  lineNo: number;
  text: string;
}

/**
 * Non-blank lines of a stream, framed by split2 with a length cap: BAD_REQUEST past the cap,
 * IO when reading fails. Shared by the capture's and the materialization's request readers.
 */
export async function* readLines(input: Readable, maxLineChars = MAX_REQUEST_LINE_CHARS): AsyncGenerator<TextLine> {
  const lines = input.pipe(split2({ maxLength: maxLineChars }));
  let lineNo = 0;
  input.on('error', (err) => lines.destroy(err));
  try {
    for await (const raw of lines as AsyncIterable<string>) {
      lineNo++;
      // split2 only checks the unterminated remainder; a long line inside one chunk passes it.
      if (raw.length > maxLineChars) throw tooLong(lineNo, maxLineChars);
      if (raw.trim() !== '') yield { lineNo, text: raw };
    }
  } catch (e) {
    if (e instanceof ConnectorError) throw e;
    const msg = (e as Error).message ?? String(e);
    if (msg === 'maximum buffer reached') throw tooLong(lineNo + 1, maxLineChars);
    throw new ConnectorError('IO', `reading requests from stdin failed: ${msg}`, { cause: e });
  }
}

/** Async iterator of parsed request lines; throws ConnectorError('BAD_REQUEST') on a bad line. */
export async function* readRequests(input: Readable, maxLineChars = MAX_REQUEST_LINE_CHARS): AsyncGenerator<RequestLine> {
  for await (const { lineNo, text } of readLines(input, maxLineChars)) {
    let value: unknown;
    try {
      value = JSON.parse(text.trim());
    } catch (e) {
      // V8 quotes a piece of the input ('Unexpected token 'S', ..."key":SECRET"... is not valid
      // JSON'), which may be part of a secret: keep only what the parser says is wrong.
      const why = (e as Error).message.replace(/(?:, )?(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '') || 'unexpected input';
      throw new ConnectorError(
        'BAD_REQUEST',
        `request line ${lineNo} is not valid JSON (${why}); each request must be one JSON object on one line`,
        { fields: { line: lineNo } },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConnectorError('BAD_REQUEST', `request line ${lineNo} is not a JSON object; each request must be one JSON object such as {"spec":{...}}`, {
        fields: { line: lineNo },
      });
    }
    yield { lineNo, value };
  }
}

function tooLong(lineNo: number, max: number): ConnectorError {
  return new ConnectorError(
    'BAD_REQUEST',
    `request line ${lineNo} is longer than the limit of ${max} characters; send smaller requests (is something writing binary data to stdin?)`,
    { fields: { line: lineNo } },
  );
}
