// The CLI's config file: YAML (JSON being YAML too), with clear errors.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../../src/cli/config-file.js';
import { ConnectorError } from '../../../src/errors.js';

const dir = await mkdtemp(join(tmpdir(), 'config-file-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const CONFIG = { region: 'us-east-1', credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: 'id', aws_secret_access_key: 'secret' }, advanced: { endpoint: 'http://127.0.0.1:8000', backfillSegments: 3 } };

t.test('YAML and JSON give the same config', async (t) => {
  const yaml = join(dir, 'c.yaml');
  await writeFile(
    yaml,
    `# comment
region: us-east-1
credentials:
  auth_type: AWSAccessKey
  aws_access_key_id: id
  aws_secret_access_key: "secret"
advanced: { endpoint: "http://127.0.0.1:8000", backfillSegments: 3 }
`,
  );
  const json = join(dir, 'c.json');
  await writeFile(json, JSON.stringify(CONFIG));
  t.strictSame(await readConfigFile(yaml), CONFIG);
  t.strictSame(await readConfigFile(json), CONFIG);
});

t.test('a missing or unparsable file is a clear error naming it', async (t) => {
  const missing = join(dir, 'nope.yaml');
  const e1 = await readConfigFile(missing).then(
    () => undefined,
    (e: unknown) => e as ConnectorError,
  );
  t.equal(e1?.code, 'IO');
  t.match(e1?.message, missing);
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'region: [unclosed\n  : :');
  const e2 = await readConfigFile(bad).then(
    () => undefined,
    (e: unknown) => e as ConnectorError,
  );
  t.ok(e2 instanceof ConnectorError);
  t.equal(e2?.code, 'BAD_CONFIG');
  t.match(e2?.message, /neither valid JSON nor YAML/);
});
