// The verbs table: which module answers which request.
import type { Verbs } from '../protocol/dispatch.js';
import { apply } from './apply.js';
import type { VerbDeps } from './deps.js';
import { discover } from './discover.js';
import { open } from './open.js';
import { spec } from './spec.js';
import { validate } from './validate.js';

export type { VerbDeps };

export function createVerbs(deps: VerbDeps): Verbs {
  return {
    async unary(verb, body) {
      switch (verb) {
        case 'spec':
          return spec();
        case 'discover':
          return discover(body, deps);
        case 'validate':
          return validate(body, deps);
        case 'apply':
          return apply(body);
      }
    },
    open: (body) => open(body, deps),
  };
}
