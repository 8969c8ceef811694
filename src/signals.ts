// Stop signals for the entry points: SIGTERM (a runtime stopping the task) and SIGINT (Ctrl-C).
// The handler decides what stopping means; the returned function unregisters it.
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
