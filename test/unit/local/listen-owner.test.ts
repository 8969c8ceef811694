import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { listeningInodes, pidListensOn, socketInode } from '../../../src/local/listen-owner.js';

// Shape of /proc/net/tcp: port 8000 (0x1F40) listening twice, once connected; port 8001 listening.
const PROC_NET_TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0',
  '   1: 0100007F:1F40 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 30 10 -1',
  '   2: 00000000:1F41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0',
  '',
].join('\n');
const PROC_NET_TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0',
].join('\n');

t.test('listeningInodes picks LISTEN sockets on the port only', async (t) => {
  t.same(listeningInodes(PROC_NET_TCP, 8000), ['1111']);
  t.same(listeningInodes(PROC_NET_TCP, 8001), ['3333']);
  t.same(listeningInodes(PROC_NET_TCP, 8002), []);
  t.same(listeningInodes(PROC_NET_TCP6, 8000), ['4444']);
  t.same(listeningInodes('', 8000), []);
  t.same(listeningInodes('header\ngarbage line\n', 8000), []);
});

t.test('socketInode reads socket fd links only', async (t) => {
  t.equal(socketInode('socket:[12345]'), '12345');
  t.equal(socketInode('pipe:[12345]'), undefined);
  t.equal(socketInode('/usr/lib/jvm/lib/modules'), undefined);
});

t.test('pidListensOn tells our own listener from a port we do not hold', { skip: process.platform !== 'linux' && 'Linux /proc only' }, async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  t.equal(await pidListensOn(process.pid, port), true);
  // PID 1 exists but does not hold our port (or its fds are unreadable: undefined).
  t.not(await pidListensOn(1, port), true);
  t.equal(await pidListensOn(2 ** 22 + 1, port), false, 'a PID above the kernel maximum has no sockets');
});
