// A compiled subschema: the keywords the evaluator needs, parsed once. Keywords that are neither
// applicators nor assertions below (title, description, format, x-..., secret, ...) are ignored.
// `unevaluatedProperties`/`unevaluatedItems` are not evaluated (they neither fail a document nor
// carry annotations here): Flow's write schemas for captures do not use them.
import type { Json } from '../json/value.js';
import type { Strategy } from './strategy.js';

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';

export interface SchemaNode {
  /** Location in the schema document, as a URI fragment (`#/allOf/0/properties/_meta`). */
  readonly loc: string;
  /** A boolean schema: `true` accepts everything, `false` nothing. */
  bool?: boolean;
  reduce?: Strategy;
  /** `$ref` (and `$dynamicRef`, resolved statically) targets. */
  refs?: SchemaNode[];

  types?: ReadonlySet<JsonType>;
  const?: { value: Json };
  enum?: Json[];

  minimum?: string;
  maximum?: string;
  exclusiveMinimum?: string;
  exclusiveMaximum?: string;
  multipleOf?: string;

  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;

  prefixItems?: SchemaNode[];
  items?: SchemaNode;
  contains?: SchemaNode;
  minContains?: number;
  maxContains?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;

  properties?: Map<string, SchemaNode>;
  patternProperties?: [RegExp, SchemaNode][];
  additionalProperties?: SchemaNode;
  propertyNames?: SchemaNode;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  dependentRequired?: Map<string, string[]>;
  dependentSchemas?: Map<string, SchemaNode>;

  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
}
