// Endpoint config, resource config and state: parsed and validated once, at the boundary, against
// schemas/*.schema.json. This is the only place defaults live; everything downstream reads the
// resolved shapes below and never looks at a raw config again.
//
// IAM credentials (AWSIAM): on Flow the platform assumes the role and injects aws_access_key_id,
// aws_secret_access_key and aws_session_token into `credentials`; those are used as they are.
// Without them the connector assumes aws_role_arn itself (src/aws/credentials.ts). Some but not
// all of the three is always an error: a half-injected session is a platform or editing mistake.
import type { NumberEncoding } from './decode/number.js';
import type { EndpointConfigAccepted } from './generated/endpoint-config-accepted.js';
import type { ResourceConfig } from './generated/resource-config.js';
import type { BindingState, ConnectorState, SegmentProgress, ShardProgress } from './generated/state.js';
import { schemasByFileName } from './generated/schemas.js';
import { problemsAgainst, throwProblems, validateAgainst, type Problem } from './protocol/validator.js';

/** Backfill Scan segments when the config leaves it blank or 0: matches Estuary, so configs behave the same. */
export const DEFAULT_BACKFILL_SEGMENTS = 100;
/** Items sampled per table at discover: one Scan page (≤ 1 MB) that shows the common attributes. */
export const DEFAULT_DISCOVER_SAMPLE_SIZE = 100;
/** Cap on the idle GetRecords wait: an idle shard costs 8,640 calls a day instead of 86,400. */
export const DEFAULT_IDLE_BACKOFF_MAX_MS = 10_000;
/** Shortest cap: AWS allows 5 GetRecords a second per shard, and a shorter wait saves no calls. */
export const MIN_IDLE_BACKOFF_MAX_MS = 1_000;
/** Longest cap: stream records live 24 h and shards rotate about every 4 h; stay far from both. */
export const MAX_IDLE_BACKOFF_MAX_MS = 3_600_000;
/** AWS requests in flight at once: as many as the keep-alive connections of one endpoint pool. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
/** Estuary writes Go's zero time as a segment's finishedAt while the segment is unfinished. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
/** Secrets shorter than this are not scrubbed from messages: they would blank out ordinary words. */
const MIN_SCRUBBED_SECRET_LENGTH = 4;

const ENDPOINT_SCHEMA = 'endpoint-config-accepted.schema.json';
const RESOURCE_SCHEMA = 'resource-config.schema.json';
const STATE_SCHEMA = 'state.schema.json';

/** Session credentials the platform injects for AWSIAM. */
export interface AwsSessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export type CredentialsResolved =
  /** Static keys; `legacy` when they came from Estuary's top-level awsAccessKeyId/awsSecretAccessKey. */
  | { authType: 'AWSAccessKey'; accessKeyId: string; secretAccessKey: string; legacy: boolean }
  /**
   * An IAM role: `session` holds the keys the platform injected after assuming it; undefined means
   * the connector assumes the role with STS itself (with `externalId` when the trust policy asks).
   */
  | { authType: 'AWSIAM'; roleArn: string; awsRegion: string; externalId: string | undefined; session: AwsSessionCredentials | undefined }
  /** The AWS SDK's default provider chain, optionally with a named profile. */
  | { authType: 'AWSDefaultChain'; profile: string | undefined };

export interface EndpointConfigResolved {
  region: string;
  credentials: CredentialsResolved;
  /** Backfill Scan segments for a table seen for the first time (≥ 1). */
  backfillSegments: number;
  /** Configured Scan Limit, or undefined when blank/0 (then chosen per table from its RCU budget). */
  scanLimit: number | undefined;
  /** DynamoDB's endpoint URL (and Streams' unless streamsEndpoint is set), or undefined for AWS's regional one. */
  endpoint: string | undefined;
  /** DynamoDB Streams' endpoint URL: advanced.streamsEndpoint, else advanced.endpoint, else undefined (AWS's). */
  streamsEndpoint: string | undefined;
  /** STS endpoint URL for assuming roles (AWSIAM, and the default chain's web identity and profile roles). */
  stsEndpoint: string | undefined;
  /** Items sampled per table at discover; 0 = no sampling. */
  discoverSampleSize: number;
  /** Cap on the idle GetRecords wait, in milliseconds. */
  idleBackoffMaxMs: number;
  /** Global cap on AWS requests in flight (≥ 1). */
  maxConcurrentRequests: number;
  /** Re-backfill a binding whose stream lost data instead of failing (src/capture/table-capture.ts). */
  autoRebackfill: boolean;
  /** How DynamoDB numbers appear in documents: exact JSON literals, or exact decimal strings. */
  numbers: NumberEncoding;
}


/**
 * Literal numbers by default: the document shape of Estuary's connector and of every existing
 * collection, so switching images or upgrading changes no column's type. Users whose numbers pass
 * ~15 significant digits under a float64 runtime choose `string` (README, "Numbers").
 */
export const DEFAULT_NUMBER_ENCODING: NumberEncoding = 'literal';

export interface ResourceConfigResolved {
  table: string;
  /** RCUs per second for the backfill, or undefined when blank/0 (then the table's own capacity). */
  rcuAllocation: number | undefined;
}

/** A binding's state with its maps always present (empty when nothing is recorded). */
export interface BindingStateResolved extends BindingState {
  backfillSegmentProgress: Record<string, SegmentProgress>;
  shards: Record<string, ShardProgress>;
}

export interface ConnectorStateResolved {
  bindingStateV1: Record<string, BindingStateResolved>;
}

/**
 * Validates an endpoint config (the spec's shape or Estuary's legacy one) and resolves defaults.
 * Throws ConnectorError('BAD_CONFIG') naming every problem; the message never holds a secret.
 */
export function parseEndpointConfig(raw: unknown): EndpointConfigResolved {
  // Schema problems and the checks a schema cannot express are reported together.
  const problems = [...problemsAgainst(ENDPOINT_SCHEMA, raw), ...semanticProblems(raw)];
  throwProblems('BAD_CONFIG', 'endpoint config', problems, { scrub: scrubber(raw) });
  const cfg = raw as EndpointConfigAccepted;
  const adv = cfg.advanced ?? {};
  return {
    region: cfg.region,
    credentials: resolveCredentials(cfg),
    backfillSegments: adv.backfillSegments || DEFAULT_BACKFILL_SEGMENTS,
    scanLimit: adv.scanLimit || undefined,
    endpoint: adv.endpoint,
    streamsEndpoint: adv.streamsEndpoint ?? adv.endpoint,
    stsEndpoint: adv.stsEndpoint,
    discoverSampleSize: adv.discoverSampleSize ?? DEFAULT_DISCOVER_SAMPLE_SIZE,
    idleBackoffMaxMs: adv.idleBackoffMax === undefined ? DEFAULT_IDLE_BACKOFF_MAX_MS : Math.max(MIN_IDLE_BACKOFF_MAX_MS, durationMs(adv.idleBackoffMax)),
    maxConcurrentRequests: adv.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    autoRebackfill: adv.autoRebackfill ?? false,
    numbers: adv.numbers ?? DEFAULT_NUMBER_ENCODING,
  };
}

function resolveCredentials(cfg: EndpointConfigAccepted): CredentialsResolved {
  const c = cfg.credentials;
  // The schema's if/then makes both legacy keys required when credentials is absent.
  if (c === undefined) return { authType: 'AWSAccessKey', accessKeyId: cfg.awsAccessKeyId!, secretAccessKey: cfg.awsSecretAccessKey!, legacy: true };
  switch (c.auth_type) {
    case 'AWSAccessKey':
      return { authType: 'AWSAccessKey', accessKeyId: c.aws_access_key_id, secretAccessKey: c.aws_secret_access_key, legacy: false };
    case 'AWSIAM': {
      const session = c.aws_session_token
        ? { accessKeyId: c.aws_access_key_id!, secretAccessKey: c.aws_secret_access_key!, sessionToken: c.aws_session_token }
        : undefined;
      return { authType: 'AWSIAM', roleArn: c.aws_role_arn, awsRegion: c.aws_region, externalId: c.aws_external_id, session };
    }
    case 'AWSDefaultChain':
      return { authType: 'AWSDefaultChain', profile: c.profile };
  }
}

const INJECTED = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'] as const;
const IAM_HOW =
  'with AWS IAM authentication a platform that assumes aws_role_arn injects aws_access_key_id, aws_secret_access_key and aws_session_token into credentials; leave all three out to have the connector assume the role itself';

/** Checks no schema keyword expresses; they look only at values of the right type. */
function semanticProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const cfg = isObject(raw) ? raw : {};
  const creds = isObject(cfg.credentials) ? cfg.credentials : {};
  if (creds.auth_type === 'AWSIAM') {
    const missing = INJECTED.filter((k) => typeof creds[k] !== 'string' || creds[k] === '');
    if (missing.length > 0 && missing.length < INJECTED.length) {
      problems.push({
        pointer: '/credentials',
        message: `${missing.join(', ')} missing while other session credentials are present: ${IAM_HOW}; injected, they come all three together`,
      });
    }
  }
  const idle = isObject(cfg.advanced) ? cfg.advanced.idleBackoffMax : undefined;
  if (typeof idle === 'string' && DURATION.test(idle) && durationMs(idle) > MAX_IDLE_BACKOFF_MAX_MS) {
    problems.push({
      pointer: '/advanced/idleBackoffMax',
      message: `must be at most ${MAX_IDLE_BACKOFF_MAX_MS / 1_000} seconds ("1h"): longer waits risk stream records expiring (after 24 h) before they are read`,
    });
  }
  return problems;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Go duration (Estuary's spelling of idleBackoffMax), e.g. "1m30s". */
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
const MS_PER_UNIT: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a number of seconds or of a Go duration string. */
function durationMs(v: number | string): number {
  if (typeof v === 'number') return v * 1_000;
  let ms = 0;
  for (const [, n, unit] of v.matchAll(DURATION_PART)) ms += Number(n) * MS_PER_UNIT[unit!]!;
  return Math.round(ms);
}

/**
 * Validates a binding's resource config. `where` names the binding in messages (e.g. "binding 2").
 * Throws ConnectorError('BAD_CONFIG') naming every problem.
 */
export function parseResourceConfig(raw: unknown, where?: string): ResourceConfigResolved {
  validateAgainst(RESOURCE_SCHEMA, raw, 'BAD_CONFIG', where ? `resource config of ${where}` : 'resource config');
  const r = raw as ResourceConfig;
  return { table: r.table, rcuAllocation: r.rcuAllocation || undefined };
}

/**
 * Validates the committed state of an open request. Absent, null or {} is a fresh start. Every
 * binding state comes back with its maps present, and Estuary's zero-time finishedAt is dropped
 * (an unfinished segment). Throws ConnectorError('BAD_STATE') naming every problem.
 */
export function parseState(raw: unknown): ConnectorStateResolved {
  if (raw === undefined || raw === null) return { bindingStateV1: {} };
  validateAgainst(STATE_SCHEMA, raw, 'BAD_STATE', 'connector state', {
    footer: 'The state is written by the connector; if it was edited by hand, restore it or re-backfill the affected bindings',
  });
  const bindings: Record<string, BindingStateResolved> = {};
  for (const [key, b] of Object.entries((raw as ConnectorState).bindingStateV1 ?? {})) {
    const segments: Record<string, SegmentProgress> = {};
    for (const [seg, p] of Object.entries(b.backfillSegmentProgress ?? {})) {
      const { finishedAt, ...rest } = p;
      segments[seg] = finishedAt === undefined || finishedAt === GO_ZERO_TIME ? rest : { ...rest, finishedAt };
    }
    bindings[key] = { ...b, backfillSegmentProgress: segments, shards: { ...(b.shards ?? {}) } };
  }
  return { bindingStateV1: bindings };
}

/** Every secret of a resolved config (secret keys, session tokens), for the logger to redact. */
export function secretsOf(config: EndpointConfigResolved): string[] {
  const c = config.credentials;
  if (c.authType === 'AWSAccessKey') return [c.secretAccessKey];
  if (c.authType === 'AWSIAM' && c.session) return [c.session.secretAccessKey, c.session.sessionToken];
  return [];
}

/**
 * Every string in a raw endpoint config that sits under a property the schemas mark
 * `"secret": true`, whatever the config's shape: lets callers redact a config that fails to parse.
 */
export function secretsOfRaw(raw: unknown): string[] {
  const names = secretPropertyNames();
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (names.has(k) && typeof child === 'string' && child !== '') found.add(child);
        walk(child);
      }
    }
  };
  walk(raw);
  return [...found];
}

let secretNames: Set<string> | undefined;

/** Names of the properties marked secret anywhere in our endpoint config schemas. */
function secretPropertyNames(): Set<string> {
  if (secretNames) return secretNames;
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const props = (node as { properties?: Record<string, { secret?: unknown }> }).properties;
    for (const [k, s] of Object.entries(props ?? {})) if (s?.secret === true) names.add(k);
    Object.values(node).forEach(walk);
  };
  walk(schemasByFileName['endpoint-config.schema.json']);
  walk(schemasByFileName[ENDPOINT_SCHEMA]);
  secretNames = names;
  return names;
}

function scrubber(raw: unknown): (text: string) => string {
  const secrets = secretsOfRaw(raw).filter((s) => s.length >= MIN_SCRUBBED_SECRET_LENGTH);
  return (text) => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);
}
