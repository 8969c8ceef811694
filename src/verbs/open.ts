// open: resolve configs and state, then start the capture session (src/capture/session.ts).
import { Limiter } from '../aws/limiter.js';
import { RpcClient } from '../aws/rpc-client.js';
import { credentialProvider } from '../aws/credentials.js';
import { parseEndpointConfig, parseResourceConfig, parseState } from '../config.js';
import { openSession, type BindingPlan, type CapturePlan } from '../capture/session.js';
import { ConnectorError } from '../errors.js';
import type { Session } from '../protocol/dispatch.js';
import type { VerbDeps } from './deps.js';
import { redactConfig } from './redact.js';

/** Shard listing refresh while shards are open; AWS allows 10 DescribeStream calls/s per stream. */
export const RELIST_INTERVAL_MS = 10_000;
/** Concurrent Scan workers per table: enough to keep DynamoDB busy, few enough to share fairly. */
export const SCAN_WORKERS_PER_TABLE = 8;
/** Progress log period per binding. */
export const PROGRESS_INTERVAL_MS = 30_000;
/** Retries of one request logged at debug level before they are worth a warning (~3 s of backoff). */
export const RETRY_WARN_ATTEMPT = 5;

interface OpenBody {
  capture: {
    name?: string;
    config: unknown;
    bindings?: { resourceConfig: unknown; stateKey?: string; resourcePath?: string[]; collection: { key: string[]; writeSchema: unknown } }[];
  };
  range?: { keyBegin?: number; keyEnd?: number };
  state?: unknown;
}

export async function open(raw: unknown, deps: VerbDeps): Promise<Session> {
  const body = raw as OpenBody;
  redactConfig(body.capture.config, deps.log);
  const cfg = parseEndpointConfig(body.capture.config);
  const bindings: BindingPlan[] = (body.capture.bindings ?? []).map((b, i) => {
    const rc = parseResourceConfig(b.resourceConfig, `binding ${i}`);
    if (!b.stateKey) {
      throw new ConnectorError('BAD_REQUEST', `binding ${i} (table "${rc.table}") has no stateKey; the runtime must send one per binding (upgrade the Flow runtime)`);
    }
    const plan: BindingPlan = { binding: i, stateKey: b.stateKey, table: rc.table, collectionKey: b.collection.key, writeSchema: b.collection.writeSchema };
    if (rc.rcuAllocation !== undefined) plan.rcuAllocation = rc.rcuAllocation;
    return plan;
  });
  const state = parseState(body.state);
  const o = deps.captureOverrides ?? {};
  const settings: CapturePlan['settings'] = {
    backfillSegments: o.backfillSegments ?? cfg.backfillSegments,
    idleBackoffMaxMs: o.idleBackoffMaxMs ?? cfg.idleBackoffMaxMs,
    relistIntervalMs: o.relistIntervalMs ?? RELIST_INTERVAL_MS,
    scanWorkers: o.scanWorkers ?? SCAN_WORKERS_PER_TABLE,
    progressIntervalMs: o.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
    autoRebackfill: cfg.autoRebackfill,
    numbers: cfg.numbers,
  };
  const scanLimit = o.scanLimit ?? cfg.scanLimit;
  if (scanLimit !== undefined) settings.scanLimit = scanLimit;
  const rpc = new RpcClient({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.streamsEndpoint ? { streamsEndpoint: cfg.streamsEndpoint } : {}),
    credentials: credentialProvider(cfg.credentials, {
      region: cfg.region,
      stsEndpoint: cfg.stsEndpoint,
      onAssumed: ({ roleArn, expiration }) => deps.log.info('assumed the IAM role', { roleArn, expiresAt: expiration?.toISOString() }),
    }),
    limiter: new Limiter(cfg.maxConcurrentRequests),
    connections: cfg.maxConcurrentRequests,
    retry: {
      onRetry(err, attempt, delayMs) {
        const e = err as { operation?: string; errorName?: string; message?: string };
        const level = attempt >= RETRY_WARN_ATTEMPT ? 'warn' : 'debug';
        deps.log[level]('retrying an AWS request', { operation: e.operation, error: e.errorName, message: e.message, attempt, delayMs });
      },
    },
  });
  const plan: CapturePlan = { bindings, state: state.bindingStateV1, settings };
  if (body.range) plan.range = body.range;
  deps.log.info('capture opening', { capture: body.capture.name, bindings: bindings.map((b) => b.table), region: cfg.region, endpoint: cfg.endpoint ?? 'AWS', streamsEndpoint: cfg.streamsEndpoint ?? 'AWS' });
  return openSession(plan, { writer: deps.writer, log: deps.log, rpc, ...(deps.now ? { now: deps.now } : {}) });
}
