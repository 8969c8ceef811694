import t from 'tap';
import fc from 'fast-check';
import { toBase64, toBytes } from '../../../src/decode/binary.js';

t.test('bytes and base64 text give the same standard padded base64', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const want = Buffer.from(bytes).toString('base64');
      return toBase64(bytes) === want && toBase64(want) === want && toBase64(toBase64(want)) === want && Buffer.compare(Buffer.from(toBytes(want)), Buffer.from(bytes)) === 0;
    }),
  );
  t.equal(toBase64(new Uint8Array(300_000).fill(7))?.length, 400_000, 'a 300 kB value');
});

t.test('text that is not padded standard base64 is refused', async (t) => {
  for (const bad of ['A', 'AA', 'AAA', 'AA=', 'A===', '====', 'AA==AA==', 'AB-_', 'AB C', 'ABC\n', 'QQ==\n']) t.equal(toBase64(bad), undefined, JSON.stringify(bad));
  t.equal(toBase64(5), undefined);
  t.equal(toBase64(null), undefined);
  t.equal(toBase64(''), '');
});

t.test('unused bits are cleared, so equal bytes have one spelling', async (t) => {
  t.equal(toBase64('QR=='), 'QQ==');
  t.equal(toBase64('QUJ='), 'QUI=');
  t.equal(toBase64('QQ=='), 'QQ==');
  t.equal(toBase64('/////w=='), '/////w==');
});
