// AWS SDK clients for control-plane calls (ListTables, DescribeTable, a sampling Scan): discover
// and validate, where a handful of requests make the SDK's convenience worth more than the fast
// path's speed (src/aws/rpc-client.ts serves the capture). Built in one place from the resolved
// endpoint config, with bounded retries and timeouts so that an unreachable endpoint fails in
// seconds, not after the SDK's default of waiting forever for a connection.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EndpointConfigResolved } from '../config.js';
import { credentialProvider } from './credentials.js';

/** Attempts per request (the SDK's standard mode: jittered backoff, throttles and 5xx retried). */
export const SDK_MAX_ATTEMPTS = 3;
/** A TCP/TLS connect slower than this is a dead host: 3 attempts fail within ~15 s in all. */
export const SDK_CONNECT_TIMEOUT_MS = 4_000;
/** A control-plane call (at most one 1 MB Scan page) answers well within this; a hung endpoint fails in ~30 s. */
export const SDK_REQUEST_TIMEOUT_MS = 10_000;

/** The parts of the endpoint config that decide where and as whom requests go (no stsEndpoint: AWS's STS). */
export type SdkClientConfig = Pick<EndpointConfigResolved, 'region' | 'endpoint' | 'credentials'> & Partial<Pick<EndpointConfigResolved, 'stsEndpoint'>>;

export interface SdkClientOptions {
  maxAttempts?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export function createDynamoDBClient(cfg: SdkClientConfig, opts: SdkClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    credentials: credentialProvider(cfg.credentials, { region: cfg.region, stsEndpoint: cfg.stsEndpoint }),
    maxAttempts: opts.maxAttempts ?? SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: opts.connectTimeoutMs ?? SDK_CONNECT_TIMEOUT_MS,
      requestTimeout: opts.requestTimeoutMs ?? SDK_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
}

/** Where requests go, for messages: the configured endpoint or AWS's regional one. */
export function dynamoDBEndpoint(cfg: Pick<EndpointConfigResolved, 'region' | 'endpoint'>): string {
  return cfg.endpoint ?? `https://dynamodb.${cfg.region}.amazonaws.com`;
}
