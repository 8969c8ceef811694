// spec: the protocol version, the config schemas and where the documentation lives.
import { schemasByFileName } from '../generated/schemas.js';
import { PROTOCOL_VERSION } from '../verbs/spec.js';

export const DOCUMENTATION_URL = 'https://github.com/source-dynamodb/source-dynamodb/blob/main/src/materialize-postgres/README.md';

export function spec(): Record<string, unknown> {
  return {
    spec: {
      protocol: PROTOCOL_VERSION,
      configSchema: schemasByFileName['materialize-postgres-config.schema.json'],
      resourceConfigSchema: schemasByFileName['materialize-postgres-resource.schema.json'],
      documentationUrl: DOCUMENTATION_URL,
      resourcePathPointers: ['/table'],
    },
  };
}
