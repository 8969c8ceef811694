// Registers every secret of a raw endpoint config with the logger before anything can fail, so
// no later log line or error message carries one, even for a config that does not parse.
import { secretsOfRaw } from '../config.js';
import type { Logger } from '../log.js';

export function redactConfig(rawConfig: unknown, log: Logger): void {
  for (const s of secretsOfRaw(rawConfig)) log.redact(s);
}
