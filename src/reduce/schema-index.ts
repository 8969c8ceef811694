// A collection schema, compiled once, that tells the reducer which strategy applies where in a given
// document (PROTOCOL.md §5): strategies come from validating the later document, so conditionals
// (if/then/else, anyOf, oneOf, not), allOf and $ref/$defs select them as Flow's validator does.
// Loading checks every `reduce` annotation (BAD_SCHEMA); annotating a document that fails the
// schema or meets conflicting strategies is BAD_DOCUMENT.
import { ConnectorError } from '../errors.js';
import type { Json } from '../json/value.js';
import { buildAnnotationTree, type AnnotationTree } from './annotations.js';
import { compileSchema } from './schema-compile.js';
import { checkUnconditionalConflicts } from './schema-conflicts.js';
import { evaluate } from './schema-evaluate.js';
import type { SchemaNode } from './schema-node.js';

export class SchemaIndex {
  private constructor(readonly root: SchemaNode) {}

  /** Compiles a schema document (a parsed JSON value). Throws ConnectorError BAD_SCHEMA. */
  static compile(schema: unknown): SchemaIndex {
    const { root } = compileSchema(schema);
    checkUnconditionalConflicts(root);
    return new SchemaIndex(root);
  }

  /** The reduce annotations of a document. Throws ConnectorError BAD_DOCUMENT if it is invalid. */
  annotate(doc: Json): AnnotationTree {
    const { valid, annotations, errors } = evaluate(this.root, doc);
    if (!valid) {
      const shown = errors.map((e) => `at "${e.instance}" (schema ${e.schema}): ${e.message}`).join('; ');
      throw new ConnectorError('BAD_DOCUMENT', `a document does not validate against the collection schema: ${shown || 'invalid'}`, {
        fields: { reduceError: 'InvalidDocument', location: errors[0]?.instance, schemaLocation: errors[0]?.schema },
      });
    }
    return buildAnnotationTree(annotations);
  }
}
