// What every verb receives: logging, the stdout writer (open only), the environment, a clock.
import type { Logger } from '../log.js';
import type { Writer } from '../protocol/writer.js';

export interface VerbDeps {
  log: Logger;
  writer: Writer;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Overrides of capture tunables (tests and the bench), merged over the config's values. */
  captureOverrides?: Record<string, number>;
}
