import t from 'tap';
import { EventEmitter } from 'node:events';
import { interactiveStopSignals, type ForceReason, type StopSignal } from '../../src/signals.js';

function setup() {
  const source = new EventEmitter();
  const forced: [StopSignal, ForceReason][] = [];
  const signals = interactiveStopSignals((s, why) => void forced.push([s, why]), source as never);
  return { source, forced, signals };
}

t.test('the first signal stops every handler; a second one forces', async (t) => {
  const { source, forced, signals } = setup();
  const seen: string[] = [];
  signals.onStop((r) => seen.push(`a:${r}`));
  const offB = signals.onStop((r) => seen.push(`b:${r}`));
  const offC = signals.onStop((r) => seen.push(`c:${r}`));
  offC();
  source.emit('SIGINT');
  t.same(seen, ['a:SIGINT', 'b:SIGINT'], 'registered handlers, not unregistered ones');
  t.same(forced, []);
  source.emit('SIGTERM');
  t.same(seen.length, 2, 'handlers are asked once');
  t.same(forced, [['SIGTERM', 'repeated']], 'the second signal forces');
  offB();
  signals.dispose();
  t.equal(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM'), 0, 'dispose removes its listeners');
});

t.test('a signal with no handler registered forces at once: nothing needs a clean end', async (t) => {
  const { source, forced, signals } = setup();
  signals.onStop(() => undefined)();
  source.emit('SIGINT');
  t.same(forced, [['SIGINT', 'nothing to stop']]);
});
