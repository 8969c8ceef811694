// Errors of the DynamoDB Local harness (tests, demo, bench), not of the connector itself: they
// carry a stable code so tests can match on it, and a message that says what to do.

export type DynamoDBLocalErrorCode =
  | 'FETCH_FAILED' // npm pack or extraction of the emulator failed
  | 'JAVA_MISSING' // no java executable to run DynamoDB Local with
  | 'PORT_IN_USE' // the port was taken before DynamoDB Local could bind it
  | 'EXITED_EARLY' // the JVM exited before it answered requests
  | 'START_TIMEOUT'; // it never answered within the start deadline

export class DynamoDBLocalError extends Error {
  readonly code: DynamoDBLocalErrorCode;

  constructor(code: DynamoDBLocalErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DynamoDBLocalError';
    this.code = code;
  }
}
