// Credentials for every AWS call, from the AWS SDK's own providers: static keys (access key, or
// the keys the platform injects for an IAM role) or the SDK's default chain (environment, shared
// profile, container/instance role, web identity).
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ConnectorError } from '../errors.js';

export type CredentialsConfig =
  | { auth_type: 'AWSAccessKey'; aws_access_key_id: string; aws_secret_access_key: string }
  | { auth_type: 'AWSIAM'; aws_role_arn: string; aws_region: string; aws_access_key_id?: string; aws_secret_access_key?: string; aws_session_token?: string }
  | { auth_type: 'AWSDefaultChain'; profile?: string };

export function credentialProvider(c: CredentialsConfig): AwsCredentialIdentityProvider {
  switch (c.auth_type) {
    case 'AWSAccessKey': {
      const identity = { accessKeyId: c.aws_access_key_id, secretAccessKey: c.aws_secret_access_key };
      return () => Promise.resolve(identity);
    }
    case 'AWSIAM': {
      if (!c.aws_access_key_id || !c.aws_secret_access_key || !c.aws_session_token) {
        throw new ConnectorError(
          'BAD_CONFIG',
          `credentials of type AWSIAM (role ${c.aws_role_arn}) carry no session keys: Estuary Flow assumes the role and injects aws_access_key_id, aws_secret_access_key and aws_session_token. Outside Flow, use auth_type AWSAccessKey or AWSDefaultChain`,
        );
      }
      const identity = { accessKeyId: c.aws_access_key_id, secretAccessKey: c.aws_secret_access_key, sessionToken: c.aws_session_token };
      return () => Promise.resolve(identity);
    }
    case 'AWSDefaultChain': {
      const chain = fromNodeProviderChain(c.profile ? { profile: c.profile } : {});
      return async () => {
        try {
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
