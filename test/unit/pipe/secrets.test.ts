// Secrets of another connector's config, found through its config schema's `secret` marks.
import t from 'tap';
import { secretsBySchema } from '../../../src/pipe/secrets.js';

t.test('materialization secrets come from its config schema', async (t) => {
  const schema = {
    type: 'object',
    properties: {
      address: { type: 'string' },
      password: { type: 'string', secret: true },
      auth: { oneOf: [{ properties: { token: { type: 'string', secret: true } } }, { properties: { key: { type: 'string', airbyte_secret: true } } }] },
      list: { items: { properties: { s: { secret: true } } } },
    },
  };
  t.same(secretsBySchema({ address: 'db:5432', password: 'hunter22', auth: { token: 'tok-1' }, list: [{ s: 'x1' }, { s: 'x2' }] }, schema).sort(), ['hunter22', 'tok-1', 'x1', 'x2']);
});
