// Credentials for every AWS call, from the AWS SDK's own providers: static keys (access key, or
// the keys the platform injects for an IAM role) or the SDK's default chain (environment, shared
// profile, container/instance role, web identity).
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { requireIamSession, type CredentialsResolved } from '../config.js';
import { ConnectorError } from '../errors.js';

export function credentialProvider(c: CredentialsResolved): AwsCredentialIdentityProvider {
  switch (c.authType) {
    case 'AWSAccessKey': {
      const identity = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
      return () => Promise.resolve(identity);
    }
    case 'AWSIAM': {
      const identity = requireIamSession(c);
      return () => Promise.resolve(identity);
    }
    case 'AWSDefaultChain': {
      // Loaded on first use: the provider chain is a large module tree that static keys never need.
      let chain: AwsCredentialIdentityProvider | undefined;
      return async () => {
        try {
          if (!chain) {
            const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
            chain = fromNodeProviderChain(c.profile ? { profile: c.profile } : {});
          }
          return await chain();
        } catch (e) {
          throw new ConnectorError(
            'AWS_AUTH',
            `no AWS credentials were found by the default chain${c.profile ? ` (profile "${c.profile}")` : ''}: ${(e as Error).message}. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared profile, or run with an instance/container/web-identity role`,
            { cause: e },
          );
        }
      };
    }
  }
}
