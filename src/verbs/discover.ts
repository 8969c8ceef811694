// discover: one binding per table whose stream can be captured (PROTOCOL.md §3.3), its document
// schema typed from the key schema and a sample of items. The work is in src/discover/.
import { createDynamoDBClient, dynamoDBEndpoint } from '../aws/sdk-clients.js';
import { parseEndpointConfig, secretsOf } from '../config.js';
import { discoverBindings, type DiscoveredBinding } from '../discover/bindings.js';
import { sdkCatalog } from '../discover/catalog.js';
import type { VerbDeps } from './deps.js';
import { redactConfig } from './redact.js';

export interface DiscoverBody {
  connectorType?: string;
  config: unknown;
}

export async function discover(body: unknown, deps: VerbDeps): Promise<{ discovered: { bindings: DiscoveredBinding[] } }> {
  const req = body as DiscoverBody;
  redactConfig(req.config, deps.log);
  const cfg = parseEndpointConfig(req.config);
  for (const s of secretsOf(cfg)) deps.log.redact(s);
  const endpoint = dynamoDBEndpoint(cfg);
  const client = createDynamoDBClient(cfg);
  try {
    const catalog = sdkCatalog(client, { endpoint, region: cfg.region, scrub: deps.log.scrub });
    const bindings = await discoverBindings(catalog, { sampleSize: cfg.discoverSampleSize, numbers: cfg.numbers, log: deps.log, region: cfg.region, endpoint });
    return { discovered: { bindings } };
  } finally {
    client.destroy();
  }
}
