// Endpoint and resource configs: shapes, defaults, every problem at once, no secret in messages.
import t from 'tap';
import { ConnectorError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { parseEndpointConfig, parseResourceConfigs } from '../../../src/materialize-postgres/config.js';

const quiet = () => createLogger(() => undefined);

t.test('a server URL, default schema public', async (t) => {
  t.same(parseEndpointConfig({ connectionUri: 'postgres://u:p4ss@db:5432/app' }, quiet()), { target: { kind: 'url', url: 'postgres://u:p4ss@db:5432/app' }, schema: 'public' });
  t.same(parseEndpointConfig({ connectionUri: 'postgresql://db/app', schema: 'flow' }, quiet()).schema, 'flow');
});

t.test('embedded PGlite on a folder', async (t) => {
  t.same(parseEndpointConfig({ embedded: { dataDir: './pg' } }, quiet()), { target: { kind: 'embedded', dataDir: './pg' }, schema: 'public' });
});

t.test('exactly one of connectionUri and embedded; problems listed; password never shown', async (t) => {
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l));
  const bad = (raw: unknown): ConnectorError => {
    try {
      parseEndpointConfig(raw, log);
    } catch (e) {
      return e as ConnectorError;
    }
    throw new Error('expected BAD_CONFIG');
  };
  t.match(bad({}), { code: 'BAD_CONFIG', message: /needs exactly one of connectionUri, embedded/ });
  t.match(bad({ connectionUri: 'postgres://a@b/c', embedded: { dataDir: 'x' } }).message, /has several of connectionUri, embedded/);
  const e = bad({ connectionUri: 'mysql://user:s3cr%40t@host/db', schema: '', embedded: {} });
  t.match(e.message, /\/connectionUri: is not valid/);
  t.match(e.message, /\/schema: must not be empty/);
  t.notMatch(e.message, /s3cr/);
  log.info('x', { uri: 'mysql://user:s3cr%40t@host/db', decoded: 's3cr@t' });
  t.notMatch(lines.join(''), /s3cr/, 'URI, password and decoded password are redacted from logs');
  t.match(bad({ connectionUri: 'postgres://h/d', schema: 's'.repeat(64) }).message, /\/schema: schema name is 64 bytes long/);
});

t.test('resource configs: defaults, every problem at once', async (t) => {
  t.same(parseResourceConfigs([{ table: 'a' }, { table: 'B c', delta_updates: true }], 'm'), [
    { table: 'a', deltaUpdates: false },
    { table: 'B c', deltaUpdates: true },
  ]);
  t.throws(() => parseResourceConfigs([{ table: '' }, { table: 'ok', delta_updates: 'yes' }], 'm'), {
    code: 'BAD_CONFIG',
    message: /m resource configs is invalid \(2 problems\): \/bindings\/0\/resourceConfig\/table: must not be empty.*\/bindings\/1\/resourceConfig\/delta_updates: must be boolean/,
  });
});
