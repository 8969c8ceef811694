// Stop signals for the entry points: SIGTERM (a runtime stopping the task) and SIGINT (Ctrl-C).
// The handler decides what stopping means; the returned function unregisters it.
export type StopSignal = 'SIGTERM' | 'SIGINT';
export type OnStop = (handler: (reason: string) => void) => () => void;

/** Where signals come from: the process, or an emitter in tests. */
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

export function onStopSignals(handler: (reason: string) => void): () => void {
  const term = (): void => handler('SIGTERM');
  const int = (): void => handler('SIGINT');
  process.on('SIGTERM', term);
  process.on('SIGINT', int);
  return () => {
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
  };
}

/** Why a stop signal could not be a clean stop. */
export type ForceReason = 'repeated' | 'nothing to stop';

/**
 * Stop signals for a person at a terminal (the CLI). The first SIGINT or SIGTERM asks every
 * registered handler to stop at a checkpoint. A second one means "now": `force` is called, as it
 * is for a first one while no handler is registered (nothing needs a clean end, so waiting would
 * only ignore the key press). `force` is expected to end the process.
 */
export function interactiveStopSignals(force: (signal: StopSignal, why: ForceReason) => void, source: SignalSource = process): { onStop: OnStop; dispose: () => void } {
  const handlers = new Set<(reason: string) => void>();
  let stopping = false;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => {
      if (stopping || handlers.size === 0) return force(signal, stopping ? 'repeated' : 'nothing to stop');
      stopping = true;
      for (const h of [...handlers]) h(signal);
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    onStop(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    dispose: () => listeners.forEach(([signal, listener]) => source.off(signal, listener)),
  };
}
