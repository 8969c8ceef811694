import t from 'tap';
import { LineTail } from '../../../src/local/line-tail.js';

t.test('splits chunks into lines, whatever the chunk boundaries', async (t) => {
  const seen: string[] = [];
  const tail = new LineTail(10, (l) => seen.push(l));
  for (const chunk of ['he', 'llo\nwor', 'ld\r\n', '\n', 'last']) tail.push(chunk);
  t.same(seen, ['hello', 'world', '']);
  t.same(tail.lines(), ['hello', 'world', '', 'last'], 'an unterminated line is shown');
  tail.end();
  t.same(seen, ['hello', 'world', '', 'last'], 'end() flushes it');
  t.same(tail.lines(), ['hello', 'world', '', 'last']);
});

t.test('keeps only the last max lines', async (t) => {
  const tail = new LineTail(2);
  tail.push('a\nb\nc\nd');
  t.same(tail.lines(), ['c', 'd']);
  tail.end();
  t.same(tail.lines(), ['c', 'd']);
  tail.end();
  t.same(tail.lines(), ['c', 'd'], 'a second end() adds nothing');
});
