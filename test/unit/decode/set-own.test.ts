import t from 'tap';
import { setOwn } from '../../../src/decode/set-own.js';
import type { JsonObject } from '../../../src/json/value.js';

t.test('__proto__ becomes an own property, not a prototype', async (t) => {
  const o: JsonObject = {};
  setOwn(o, '__proto__', { evil: true });
  setOwn(o, 'a', 1);
  t.equal(Object.getPrototypeOf(o), Object.prototype);
  t.same(Object.keys(o), ['__proto__', 'a']);
  setOwn(o, '__proto__', 'again');
  t.equal(Object.getOwnPropertyDescriptor(o, '__proto__')?.value, 'again');
  t.equal(({} as Record<string, unknown>).evil, undefined);
});
