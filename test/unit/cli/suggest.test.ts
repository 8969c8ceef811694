import t from 'tap';
import { editDistance, suggest } from '../../../src/cli/suggest.js';

t.test('edit distance counts a swap of neighbours as one edit', async (t) => {
  t.equal(editDistance('table', 'table'), 0);
  t.equal(editDistance('tabel', 'table'), 1);
  t.equal(editDistance('captrue', 'capture'), 1);
  t.equal(editDistance('confg', 'config'), 1);
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('kitten', 'sitting'), 3);
});

t.test('suggests a close name or the one a prefix abbreviates, never a far guess', async (t) => {
  const options = ['config', 'state', 'table', 'into', 'materialization-config', 'name', 'rcu-allocation'];
  t.equal(suggest('tabel', options), 'table');
  t.equal(suggest('Config', options), 'config', 'case does not matter');
  t.equal(suggest('materialisation-config', options), 'materialization-config');
  t.equal(suggest('mat', options), 'materialization-config', 'an unambiguous prefix');
  t.equal(suggest('rcu', options), 'rcu-allocation');
  t.equal(suggest('nope', ['spec', 'pipe', 'help']), undefined, 'two edits of a short word are another word');
  t.equal(suggest('verbose', options), undefined);
  t.equal(suggest('co', options), undefined, 'a two-letter prefix is no guess');
  t.equal(suggest('con', ['config', 'connect']), undefined, 'an ambiguous prefix is no guess');
});
