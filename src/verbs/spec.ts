// spec: the protocol version, the config schemas and where the documentation lives.
import { schemasByFileName } from '../generated/schemas.js';

export const PROTOCOL_VERSION = 3032023;
export const DOCUMENTATION_URL = 'https://github.com/source-dynamodb/source-dynamodb#readme';

export function spec(): Record<string, unknown> {
  return {
    spec: {
      protocol: PROTOCOL_VERSION,
      configSchema: schemasByFileName['endpoint-config.schema.json'],
      resourceConfigSchema: schemasByFileName['resource-config.schema.json'],
      documentationUrl: DOCUMENTATION_URL,
      resourcePathPointers: ['/table'],
    },
  };
}
