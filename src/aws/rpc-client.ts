// The fast request path for DynamoDB and DynamoDB Streams: JSON-RPC over an undici keep-alive
// pool, signed with Smithy's SigV4 signer, credentials from the AWS SDK's providers. Responses are
// parsed with JSON.parse: DynamoDB JSON spells numbers as strings, so nothing loses precision.
import { Pool } from 'undici';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsCallError, errorNameFromType } from './classify.js';
import type { Limiter } from './limiter.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '../config.js';
import { withRetry, type RetryOptions } from './retry.js';

export type Service = 'dynamodb' | 'streams';

const TARGET_PREFIX: Record<Service, string> = {
  dynamodb: 'DynamoDB_20120810',
  streams: 'DynamoDBStreams_20120810',
};

/** A Scan page of 1 MB or a GetRecords call answers well within this; past it we retry. */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface RpcClientOptions {
  region: string;
  /** One URL for both services (e.g. DynamoDB Local); default the regional AWS endpoints. */
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  limiter: Limiter;
  /** Keep-alive connections per endpoint; by default as many as requests may be in flight. */
  connections?: number;
  retry?: Omit<RetryOptions, 'signal'>;
}

export function serviceUrl(service: Service, region: string, endpoint?: string): URL {
  if (endpoint) return new URL(endpoint);
  const host = service === 'dynamodb' ? `dynamodb.${region}.amazonaws.com` : `streams.dynamodb.${region}.amazonaws.com`;
  return new URL(`https://${host}/`);
}

export class RpcClient {
  private readonly pools = new Map<Service, { pool: Pool; url: URL }>();
  private readonly signer: SignatureV4;

  constructor(private readonly opts: RpcClientOptions) {
    this.signer = new SignatureV4({ credentials: opts.credentials, region: opts.region, service: 'dynamodb', sha256: Hash.bind(null, 'sha256') });
  }

  private target(service: Service): { pool: Pool; url: URL } {
    let t = this.pools.get(service);
    if (!t) {
      const url = serviceUrl(service, this.opts.region, this.opts.endpoint);
      const pool = new Pool(url.origin, {
        connections: this.opts.connections ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
        keepAliveTimeout: 30_000,
      });
      t = { pool, url };
      this.pools.set(service, t);
    }
    return t;
  }

  /** One attempt of one call; returns the response body text. */
  async callOnce(service: Service, operation: string, body: string, signal?: AbortSignal): Promise<string> {
    const { pool, url } = this.target(service);
    const path = url.pathname || '/';
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX[service]}.${operation}`,
      },
      body,
    });
    return this.opts.limiter.run(async () => {
      let res;
      try {
        res = await pool.request({ method: 'POST', path, headers: signed.headers, body, signal });
      } catch (e) {
        const err = e as { code?: string; message?: string };
        throw new AwsCallError('NetworkError', `${operation} to ${url.origin} failed: ${err.message ?? String(e)}`, undefined, operation, err.code ?? 'UND_ERR_SOCKET');
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        const err = e as { code?: string; message?: string };
        throw new AwsCallError('NetworkError', `${operation} response from ${url.origin} was cut off: ${err.message ?? String(e)}`, res.statusCode, operation, err.code ?? 'UND_ERR_SOCKET');
      }
      if (res.statusCode === 200) return text;
      let name = `HTTP${res.statusCode}`;
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
        if (parsed.__type) name = errorNameFromType(parsed.__type);
        message = parsed.message ?? parsed.Message ?? message;
      } catch {
        // not JSON (a proxy's error page): keep the text
      }
      throw new AwsCallError(name, `${operation}: ${name}: ${message}`, res.statusCode, operation);
    });
  }

  /** A call with retries of throttling and transient faults; returns the parsed response. */
  async call<T>(service: Service, operation: string, request: unknown, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(request);
    const text = await withRetry(() => this.callOnce(service, operation, body, signal), { ...this.opts.retry, signal });
    return JSON.parse(text) as T;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((t) => t.pool.close()));
    this.pools.clear();
  }
}
