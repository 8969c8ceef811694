import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndpointConfig } from '../../src/generated/endpoint-config.js';
import type { ResourceConfig } from '../../src/generated/resource-config.js';
import type { ConnectorState } from '../../src/generated/state.js';
import type { CaptureRequest, Open } from '../../src/generated/capture-request.js';
import type { CaptureResponse } from '../../src/generated/capture-response.js';
import type { DocumentMeta } from '../../src/generated/document-meta.js';
import { getAjv } from '../../src/protocol/ajv.js';
import { schemasByFileName } from '../../src/generated/schemas.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

t.test('generated files match the schemas (npm run gen:check)', async (t) => {
  const r = spawnSync(process.execPath, ['scripts/gen-types.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr || 'no drift');
});

t.test('every schema file compiles with the shared Ajv', async (t) => {
  for (const name of Object.keys(schemasByFileName)) t.ok(getAjv().getSchema(name), name);
});

t.test('generated types describe the examples of PROTOCOL.md', async (t) => {
  // These are compile-time checks as much as run-time ones: tsc rejects this file if the names
  // or shapes drift. Generated interfaces have no index signature, so putting one where an
  // inline JSON object goes takes a spread.
  const config: EndpointConfig = {
    region: 'us-east-1',
    credentials: { auth_type: 'AWSIAM', aws_role_arn: 'arn:aws:iam::123456789012:role/flow', aws_region: 'us-east-1' },
    advanced: { backfillSegments: 100, idleBackoffMax: '1m' },
  };
  const resource: ResourceConfig = { table: 'orders', rcuAllocation: 500 };
  const state: ConnectorState = { bindingStateV1: { 'orders.v1': { totalBackfillSegments: 100, shards: { s: { lastReadSequence: '201' } } } } };
  const meta: DocumentMeta = { op: 'u', eventId: 'e1', before: { customerId: 'c-17' } };
  const open: Open = {
    capture: { name: 'acmeCo/dynamodb', config: { ...config }, bindings: [], intervalSeconds: 300 },
    version: 'v',
    range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
    state: { ...state },
  };
  const request: CaptureRequest = { open };
  const responses: CaptureResponse[] = [{ opened: {} }, { captured: { binding: 1, doc: { _meta: meta } } }, { checkpoint: { state: { updated: {}, mergePatch: true } } }];
  t.ok(getAjv().getSchema('endpoint-config.schema.json')!(config));
  t.ok(getAjv().getSchema('resource-config.schema.json')!(resource));
  t.ok(getAjv().getSchema('state.schema.json')!(state));
  t.ok(getAjv().getSchema('capture-request.schema.json')!({ open: { ...open, capture: { ...open.capture, config: {} } } }));
  for (const r of responses) t.ok(getAjv().getSchema('capture-response.schema.json')!(r));
  t.ok(request);
});
