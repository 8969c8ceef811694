// One table that classifies AWS failures by error name (the `__type` suffix on the wire, `name` in
// the SDK), never by message text. Every caller decides what to do from the class alone.

export type FailureClass =
  | 'throttled' // back off and retry the same request
  | 'transient' // server or network fault: retry the same request
  | 'expired-iterator' // re-acquire the shard iterator after the last emitted sequence
  | 'trimmed' // stream data we need is gone: the binding must be re-backfilled
  | 'not-found' // table or stream missing (deleted, or stream disabled)
  | 'auth' // credentials rejected or a permission missing
  | 'invalid' // our request was wrong (a bug, or bad config such as a bad table name)
  | 'fatal'; // anything else

const BY_NAME: Record<string, FailureClass> = {
  ProvisionedThroughputExceededException: 'throttled',
  ThrottlingException: 'throttled',
  LimitExceededException: 'throttled',
  RequestLimitExceeded: 'throttled',
  TooManyRequestsException: 'throttled',
  InternalServerError: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
  ServiceUnavailableException: 'transient',
  TransactionInProgressException: 'transient',
  TimeoutError: 'transient',
  MalformedResponse: 'transient', // a 200 whose body does not parse (rpc-client.ts)
  ExpiredIteratorException: 'expired-iterator',
  TrimmedDataAccessException: 'trimmed',
  ResourceNotFoundException: 'not-found',
  TableNotFoundException: 'not-found',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  AccessDeniedException: 'auth',
  MissingAuthenticationTokenException: 'auth',
  ExpiredTokenException: 'auth',
  IncompleteSignatureException: 'auth',
  InvalidClientTokenId: 'auth',
  ValidationException: 'invalid',
  SerializationException: 'invalid',
};

/** Node/undici network error codes that mean "try again". */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
]);

/** An error returned by an AWS service, or a network failure talking to it. */
export class AwsCallError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly status: number | undefined,
    readonly operation: string,
    readonly networkCode?: string,
  ) {
    super(message);
    this.name = 'AwsCallError';
  }
}

/** Strips the `com.amazonaws.dynamodb.v20120810#` prefix from a wire `__type`. */
export function errorNameFromType(type: string): string {
  const i = type.lastIndexOf('#');
  return i >= 0 ? type.slice(i + 1) : type;
}

export function classify(err: unknown): FailureClass {
  const e = err as { errorName?: string; name?: string; status?: number; networkCode?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.errorName ?? e?.name ?? '';
  const byName = BY_NAME[name];
  if (byName) return byName;
  const code = e?.networkCode ?? e?.code;
  if (code && TRANSIENT_NETWORK_CODES.has(code)) return 'transient';
  const status = e?.status ?? e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return 'transient';
  if (status === 429) return 'throttled';
  if (status === 403 || status === 401) return 'auth';
  return 'fatal';
}

export function isRetryable(c: FailureClass): boolean {
  return c === 'throttled' || c === 'transient';
}
