// validate: configs parse, and every bound table exists with a NEW_AND_OLD_IMAGES stream
// (PROTOCOL.md §3.2); all problems are reported at once. Answers resourcePath [table] per binding,
// in request order. The work is in src/discover/check-bindings.ts.
import { createDynamoDBClient, dynamoDBEndpoint } from '../aws/sdk-clients.js';
import { parseEndpointConfig, secretsOf } from '../config.js';
import { sdkCatalog } from '../discover/catalog.js';
import { checkBindings } from '../discover/check-bindings.js';
import type { VerbDeps } from './deps.js';
import { redactConfig } from './redact.js';

export interface ValidateBody {
  name?: string;
  connectorType?: string;
  config: unknown;
  bindings?: { resourceConfig: unknown; collection?: unknown; backfill?: number }[];
  lastCapture?: unknown;
}

export async function validate(body: unknown, deps: VerbDeps): Promise<{ validated: { bindings: { resourcePath: string[] }[] } }> {
  const req = body as ValidateBody;
  redactConfig(req.config, deps.log);
  const cfg = parseEndpointConfig(req.config);
  for (const s of secretsOf(cfg)) deps.log.redact(s);
  // An AWSIAM config gets its session keys from the platform; without them no AWS call can be
  // made, so only what needs no AWS is checked (as Estuary's validate does).
  const offline = cfg.credentials.authType === 'AWSIAM' && cfg.credentials.session === undefined;
  if (offline) deps.log.warn('AWSIAM credentials carry no injected session keys: bound tables were not checked against AWS', { capture: req.name });
  const rawConfigs = (req.bindings ?? []).map((b) => b.resourceConfig);
  const endpoint = dynamoDBEndpoint(cfg);
  const client = offline || rawConfigs.length === 0 ? undefined : createDynamoDBClient(cfg);
  try {
    const catalog = sdkCatalog(client!, { endpoint, region: cfg.region, scrub: deps.log.scrub });
    const resources = await checkBindings(rawConfigs, catalog, { region: cfg.region, log: deps.log, offline: client === undefined });
    return { validated: { bindings: resources.map((r) => ({ resourcePath: [r.table] })) } };
  } finally {
    client?.destroy();
  }
}
