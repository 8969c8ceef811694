// Credentials for every AWS call, from the AWS SDK's own providers: static keys (an access key, or
// the session keys a platform injects for an IAM role), a role the connector assumes itself with
// STS, or the SDK's default chain (environment, shared profile, web identity, container/instance
// role). Every failure to get credentials is a ConnectorError naming what to fix; none holds a secret.
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialsResolved } from '../config.js';
import { ConnectorError } from '../errors.js';
import { classify } from './classify.js';

/** Prefix of the role session name: CloudTrail shows who assumed the role; a timestamp makes each run's session distinct. */
export const ROLE_SESSION_PREFIX = 'source-dynamodb';
/** Assumed-role session length: STS's default, which every role allows (its maximum is at least 1 h); renewed ~5 min before it ends. */
export const ASSUMED_ROLE_SESSION_SECONDS = 3_600;
/** STS attempts per credential fetch (the SDK's standard retries: throttling, 5xx and network faults). */
export const STS_MAX_ATTEMPTS = 3;
/** A TCP/TLS connect to STS slower than this is a dead host: a bad stsEndpoint fails in seconds. */
export const STS_CONNECT_TIMEOUT_MS = 4_000;
/** AssumeRole answers in well under a second; a hung STS endpoint fails in ~30 s rather than never. */
export const STS_REQUEST_TIMEOUT_MS = 10_000;

/** Where and how role assumptions go: the STS endpoint and region, and who hears about new sessions. */
export interface CredentialOptions {
  /** STS endpoint URL (advanced.stsEndpoint); undefined means AWS's regional STS endpoint. */
  stsEndpoint?: string | undefined;
  /** The connector's region: signs the default chain's role assumptions when stsEndpoint is set. */
  region: string;
  /** Who signs AssumeRole for AWSIAM without injected keys; default the AWS default chain (tests inject one). */
  source?: AwsCredentialIdentityProvider;
  /** Told each time the connector assumed a role (AWSIAM without injected keys): never the keys. */
  onAssumed?: (info: { roleArn: string; expiration: Date | undefined }) => void;
}

export function credentialProvider(c: CredentialsResolved, opts: CredentialOptions): AwsCredentialIdentityProvider {
  switch (c.authType) {
    case 'AWSAccessKey': {
      const identity = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
      return () => Promise.resolve(identity);
    }
    case 'AWSIAM': {
      // Flow's way: the platform assumed the role and injected the session; it restarts the
      // connector with fresh keys, so they are used as they are.
      if (c.session) {
        const identity = { ...c.session };
        return () => Promise.resolve(identity);
      }
      return assumedRole(c, opts);
    }
    case 'AWSDefaultChain':
      return defaultChain(c.profile, opts);
  }
}

/**
 * STS client settings of every role assumption: bounded retries and timeouts, and our endpoint.
 * A custom endpoint (a VPC endpoint is regional) is signed for `region`; without one, a region is
 * set only where given, so the default chain's roles keep the SDK's own choice (AWS_REGION, the
 * profile's region).
 */
function stsClientConfig(stsEndpoint: string | undefined, region: string | undefined): Record<string, unknown> {
  return {
    ...(region ? { region } : {}),
    ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
    maxAttempts: STS_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: STS_CONNECT_TIMEOUT_MS, requestTimeout: STS_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
}

/**
 * The default chain, its role providers (a profile's role_arn, web identity) calling STS at our
 * endpoint. The role assumers are given rather than a `clientConfig`, which the chain would also
 * hand to the SSO client (sending SSO to the STS endpoint, in the wrong region). The chain memoizes
 * its credentials and renews them 5 minutes before they expire.
 */
async function nodeChain(profile: string | undefined, opts: CredentialOptions): Promise<AwsCredentialIdentityProvider> {
  const [{ fromNodeProviderChain }, { getDefaultRoleAssumer, getDefaultRoleAssumerWithWebIdentity }] = await Promise.all([
    import('@aws-sdk/credential-providers'),
    import('@aws-sdk/client-sts'),
  ]);
  const sts = stsClientConfig(opts.stsEndpoint, opts.stsEndpoint ? opts.region : undefined);
  return fromNodeProviderChain({
    ...(profile ? { profile } : {}),
    roleAssumer: getDefaultRoleAssumer(sts),
    roleAssumerWithWebIdentity: getDefaultRoleAssumerWithWebIdentity(sts),
  });
}

/**
 * AWSIAM without injected keys: the connector assumes the role with STS (AssumeRole), signing with
 * source credentials from the default chain. fromTemporaryCredentials calls STS on every call, so
 * the result is memoized and fetched again when less than the SDK's refresh window (5 min) is left.
 */
function assumedRole(c: Extract<CredentialsResolved, { authType: 'AWSIAM' }>, opts: CredentialOptions): AwsCredentialIdentityProvider {
  // One provider for all callers: requests signed at once share one STS call, not one each.
  let memo: Promise<AwsCredentialIdentityProvider> | undefined;
  const build = async (): Promise<AwsCredentialIdentityProvider> => {
    // Loaded on first use: the provider chain and STS client are module trees static keys never need.
    const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
    const assume = fromTemporaryCredentials({
      params: {
        RoleArn: c.roleArn,
        RoleSessionName: `${ROLE_SESSION_PREFIX}-${Date.now()}`,
        DurationSeconds: ASSUMED_ROLE_SESSION_SECONDS,
        ...(c.externalId ? { ExternalId: c.externalId } : {}),
      },
      // The source identity may itself be a web identity or profile role: it uses our STS endpoint too.
      masterCredentials: opts.source ?? (await nodeChain(undefined, opts)),
      clientConfig: stsClientConfig(opts.stsEndpoint, c.awsRegion),
    });
    const announced = async (): Promise<AwsCredentialIdentity> => {
      const identity = await assume();
      opts.onAssumed?.({ roleArn: c.roleArn, expiration: identity.expiration });
      return identity;
    };
    return memoizeIdentityProvider(announced, isIdentityExpired, doesIdentityRequireRefresh)!;
  };
  return async () => {
    try {
      memo ??= build();
      return await (await memo)();
    } catch (e) {
      throw assumeRoleFailure(e, c, opts.stsEndpoint);
    }
  };
}

/** AWSDefaultChain: the SDK's chain, with a named profile if one is set. */
function defaultChain(profile: string | undefined, opts: CredentialOptions): AwsCredentialIdentityProvider {
  // Built on first use: the chain and STS client are module trees static keys never need.
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    try {
      chain ??= nodeChain(profile, opts);
      return await (await chain)();
    } catch (e) {
      throw defaultChainFailure(e, profile, opts.stsEndpoint);
    }
  };
}

const stsAt = (stsEndpoint: string | undefined): string => (stsEndpoint ? `STS at ${stsEndpoint}` : 'STS');

/** The error's name and message for a user: AWS error names and messages hold no secrets. */
function describe(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return err.name && err.name !== 'Error' ? `${err.name}: ${err.message ?? ''}` : (err.message ?? String(e));
}

/** An error STS itself answered with (it has the SDK's response metadata), as opposed to one before any request. */
const fromService = (e: unknown): boolean => typeof (e as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';

/** No source credentials: the SDK's providers ran out (CredentialsProviderError), not an STS answer. */
const noSourceCredentials = (e: unknown): boolean => (e as { name?: string })?.name === 'CredentialsProviderError';

function assumeRoleFailure(e: unknown, c: Extract<CredentialsResolved, { authType: 'AWSIAM' }>, stsEndpoint: string | undefined): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const fields = { roleArn: c.roleArn, stsEndpoint: stsEndpoint ?? 'AWS' };
  const what = `could not assume the IAM role ${c.roleArn} with ${stsAt(stsEndpoint)} (${describe(e)})`;
  if (noSourceCredentials(e)) {
    return new ConnectorError(
      'AWS_AUTH',
      `${what}: no source credentials to call STS with. Without injected session credentials the connector assumes the role itself, signing with the AWS default credential chain: provide AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared profile (AWS_PROFILE), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN) or a container/instance role`,
      { cause: e, fields },
    );
  }
  if (!fromService(e) && classify(e) === 'transient') {
    return new ConnectorError(
      'AWS_UNREACHABLE',
      `${what}: STS could not be reached. Check advanced.stsEndpoint (leave it blank for AWS's regional endpoint) and the network path to it from where the connector runs`,
      { cause: e, fields },
    );
  }
  const externalId = c.externalId
    ? 'aws_external_id matches the sts:ExternalId condition of the trust policy'
    : 'if the trust policy has an sts:ExternalId condition, aws_external_id is set to it';
  return new ConnectorError(
    'AWS_AUTH',
    `${what}. Check that the role's trust policy allows sts:AssumeRole by the identity of the connector's source credentials (the AWS default credential chain); that ${externalId}; that those source credentials are valid and allowed sts:AssumeRole on ${c.roleArn}; and that the role ARN and aws_region are right`,
    { cause: e, fields },
  );
}

function defaultChainFailure(e: unknown, profile: string | undefined, stsEndpoint: string | undefined): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const chain = `the AWS default credential chain${profile ? ` (profile "${profile}")` : ''}`;
  const fields = { ...(profile ? { profile } : {}), stsEndpoint: stsEndpoint ?? 'AWS' };
  if (fromService(e)) {
    // A web identity or profile role that STS refused.
    return new ConnectorError(
      'AWS_AUTH',
      `${chain} found a role to assume, but ${stsAt(stsEndpoint)} refused it (${describe(e)}): check the role's trust policy (it must allow sts:AssumeRoleWithWebIdentity for a web identity token, or sts:AssumeRole by the profile's source_profile) and the role ARN`,
      { cause: e, fields },
    );
  }
  if (!noSourceCredentials(e) && classify(e) === 'transient') {
    return new ConnectorError(
      'AWS_UNREACHABLE',
      `${chain} could not reach ${stsAt(stsEndpoint)} to assume its role (${describe(e)}): check advanced.stsEndpoint (leave it blank for AWS's regional endpoint) and the network path to it`,
      { cause: e, fields },
    );
  }
  return new ConnectorError(
    'AWS_AUTH',
    `no AWS credentials were found by ${chain}: ${describe(e)}. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared profile, or run with an instance/container/web-identity role`,
    { cause: e, fields },
  );
}
