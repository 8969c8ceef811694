// The verbs table: which module answers which request.
import type { Verbs } from '../protocol/dispatch.js';
import { apply } from './apply.js';
import type { VerbDeps } from './deps.js';
import { spec } from './spec.js';

export type { VerbDeps };

export function createVerbs(deps: VerbDeps): Verbs {
  return {
    async unary(verb, body) {
      switch (verb) {
        case 'spec':
          return spec();
        // discover and validate use the AWS SDK, slow to load: an open (the long-running
        // verb, and the one restarts wait on) never loads it.
        case 'discover':
          return (await import('./discover.js')).discover(body, deps);
        case 'validate':
          return (await import('./validate.js')).validate(body, deps);
        case 'apply':
          return apply(body);
      }
    },
    // The capture engine loads only for open: spec, discover, validate and apply start faster.
    open: async (body) => (await import('./open.js')).open(body, deps),
  };
}
