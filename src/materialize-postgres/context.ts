// What the verbs get from run(): the logger, and how to reach the database (injected, so tests
// can count or fake connections).
import type { Logger } from '../log.js';
import type { Target } from './config.js';
import { connect, type Db } from './db.js';

export type Connect = (target: Target) => Promise<Db>;

export interface VerbContext {
  log: Logger;
  connect: Connect;
}

export function defaultConnect(log: Logger): Connect {
  return (target) => connect(target, log);
}
