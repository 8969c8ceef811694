// Load-time check: two different `reduce` annotations that always apply together at one document
// location (the schema's own, those of its allOf members and $ref targets, and so on through
// `properties`) make every document with that location fail, so the schema is rejected up front.
// Annotations under anyOf/oneOf/if/then/else/not are conditional: a conflict among them, or with
// an unconditional one, is found per document when it happens (ConflictingStrategies).
import { formatPointer } from '../json/pointer.js';
import type { SchemaNode } from './schema-node.js';
import { badSchema, describeStrategy, sameStrategy, type Strategy } from './strategy.js';

/** Recursive schemas could make the walk huge; past this many visits the per-document check remains. */
const MAX_VISITS = 100_000;

interface Found {
  strategy: Strategy;
  src: string;
}

export function checkUnconditionalConflicts(root: SchemaNode): void {
  const found = new Map<string, Found>();
  let visits = 0;
  const onStack = new Set<SchemaNode>();

  const visit = (node: SchemaNode, path: string[]): void => {
    if (onStack.has(node) || ++visits > MAX_VISITS) return;
    onStack.add(node);
    if (node.reduce) {
      const at = formatPointer(path);
      const src = `${node.loc}/reduce`;
      const prior = found.get(at);
      if (!prior) found.set(at, { strategy: node.reduce, src });
      else if (!sameStrategy(prior.strategy, node.reduce)) {
        throw badSchema(
          src,
          `two reduce strategies always apply at document location "${at}": ${describeStrategy(prior.strategy)} (from ${prior.src}) and ` +
            `${describeStrategy(node.reduce)} (from ${src}); keep one, or put them in exclusive if/then/else branches`,
        );
      }
    }
    for (const child of node.allOf ?? []) visit(child, path);
    for (const target of node.refs ?? []) visit(target, path);
    for (const [name, child] of node.properties ?? []) visit(child, [...path, name]);
    onStack.delete(node);
  };
  visit(root, []);
}
