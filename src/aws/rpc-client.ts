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
  /** Streams' own URL (e.g. a VPC endpoint of streams.dynamodb); default `endpoint`. */
  streamsEndpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  limiter: Limiter;
  /** Keep-alive connections per endpoint; by default as many as requests may be in flight. */
  connections?: number;
  retry?: Omit<RetryOptions, 'signal'>;
  /** Headers and body each must arrive within this; default REQUEST_TIMEOUT_MS (tests shrink it). */
  requestTimeoutMs?: number;
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
      const url = serviceUrl(service, this.opts.region, service === 'streams' ? (this.opts.streamsEndpoint ?? this.opts.endpoint) : this.opts.endpoint);
      const pool = new Pool(url.origin, {
        connections: this.opts.connections ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
        headersTimeout: this.opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        bodyTimeout: this.opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
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
        if (signal?.aborted) throw aborted(operation);
        const err = e as { code?: string; message?: string };
        throw new AwsCallError('NetworkError', `${operation} to ${url.origin} failed: ${err.message ?? String(e)}`, undefined, operation, err.code ?? 'UND_ERR_SOCKET');
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        if (signal?.aborted) throw aborted(operation);
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

  /**
   * A call with retries of throttling and transient faults; returns the parsed response. The same
   * body is sent again on every attempt, so a retried Scan or GetRecords resumes at the same key or
   * iterator. A 200 whose body is not JSON (cut short or mangled on the way) is retried too: every
   * call of the capture is a read, so repeating it is safe.
   */
  async call<T>(service: Service, operation: string, request: unknown, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(request);
    return withRetry(async () => {
      const text = await this.callOnce(service, operation, body, signal);
      try {
        return JSON.parse(text) as T;
      } catch (e) {
        throw new AwsCallError('MalformedResponse', `${operation}: the response is not valid JSON (${(e as Error).message})`, 200, operation);
      }
    }, { ...this.opts.retry, signal });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((t) => t.pool.close()));
    this.pools.clear();
  }
}

/** A call cut short by its abort signal (the capture is stopping): one recognizable error for it. */
function aborted(operation: string): AwsCallError {
  return new AwsCallError('Aborted', `${operation} was cancelled because the capture is stopping`, undefined, operation, 'UND_ERR_ABORTED');
}
