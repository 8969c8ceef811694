// The strategies selected for one document, as a tree that mirrors it: the reducer walks the
// document and this tree together. Two different strategies at one location are an error
// (Flow's ConflictingStrategies); the same strategy reached twice (two $refs to one definition)
// is not.
import { ConnectorError } from '../errors.js';
import { formatPointer } from '../json/pointer.js';
import type { AnnotationEntry } from './schema-evaluate.js';
import { describeStrategy, sameStrategy, type Strategy } from './strategy.js';

export interface AnnotationTree {
  strategy?: Strategy;
  /** Schema location of `strategy`. */
  src?: string;
  children?: Map<string, AnnotationTree>;
}

export function buildAnnotationTree(entries: readonly AnnotationEntry[]): AnnotationTree {
  const root: AnnotationTree = {};
  for (const e of entries) {
    let node = root;
    for (const tok of e.path) {
      node.children ??= new Map();
      let next = node.children.get(tok);
      if (!next) node.children.set(tok, (next = {}));
      node = next;
    }
    if (!node.strategy) {
      node.strategy = e.strategy;
      node.src = e.src;
    } else if (!sameStrategy(node.strategy, e.strategy)) {
      const at = formatPointer(e.path);
      throw new ConnectorError(
        'BAD_DOCUMENT',
        `ConflictingStrategies: the schema applies two reduce strategies at document location "${at}": ` +
          `${describeStrategy(node.strategy)} (from ${node.src}) and ${describeStrategy(e.strategy)} (from ${e.src}). ` +
          'Fix the collection schema so that one applies.',
        { fields: { reduceError: 'ConflictingStrategies', location: at } },
      );
    }
  }
  return root;
}

/** The subtree at a child location, if any annotation applies there or below. */
export function childTree(t: AnnotationTree | undefined, token: string): AnnotationTree | undefined {
  return t?.children?.get(token);
}
