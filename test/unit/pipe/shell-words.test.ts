// --into command lines split as a POSIX shell splits words, without expansion.
import t from 'tap';
import { shellWords } from '../../../src/pipe/shell-words.js';

t.test('words', async (t) => {
  t.same(shellWords('node dist/materialize-postgres/main.js'), ['node', 'dist/materialize-postgres/main.js']);
  t.same(shellWords('  a   b\tc\n'), ['a', 'b', 'c']);
  t.same(shellWords(`docker run -i --rm -e 'FLOW_RUNTIME_CODEC=json' "ghcr.io/estuary/materialize-postgres:v1"`), ['docker', 'run', '-i', '--rm', '-e', 'FLOW_RUNTIME_CODEC=json', 'ghcr.io/estuary/materialize-postgres:v1']);
  t.same(shellWords(`a'b c'"d e" f\\ g "h\\"i\\\\j\\n" ''`), ['ab cd e', 'f g', 'h"i\\j\\n', ''], 'quotes join, escapes, empty word');
  t.same(shellWords('$HOME *'), ['$HOME', '*'], 'no expansion');
  t.throws(() => shellWords(`a 'b`), { code: 'BAD_CONFIG' });
  t.throws(() => shellWords(`a "b`), { code: 'BAD_CONFIG' });
});
