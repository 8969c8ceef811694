// The one Ajv configuration: JSON Schema 2020-12, strict, every error reported. Our own schemas
// (configs, state, protocol messages) and collection schemas from Flow (the reduce engine's write
// schemas) are compiled with it, so a keyword Flow accepts is declared here once, not switched
// off by turning strict mode off.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { KeywordDefinition, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { schemasByFileName, type JsonSchemaObject } from '../generated/schemas.js';

// ajv-formats is CommonJS: under nodenext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Discover's annotation on each non-key attribute of a table's item schema: the JSON schema of the
 * values a sample of items held. A schemaless table promises nothing about later items, and Flow
 * enforces a collection's write schema on every document, so the sampled types live here, where
 * destinations may read them to choose column types and nothing validates against them. Flow
 * keeps `x-` keywords as annotations.
 */
export const SAMPLED_SCHEMA_KEYWORD = 'x-sampled-schema';

/**
 * Annotation keywords of Flow, its UI and Estuary's connectors: they carry meaning for people or
 * other tools, never for validation. Strict mode rejects any keyword not declared here.
 */
export const ANNOTATION_KEYWORDS: readonly string[] = [
  'secret', // Flow encrypts the value (SOPS) and the UI masks it
  'airbyte_secret', // the same, as Airbyte-derived connectors spell it
  'advanced', // the UI folds the section away
  'order', // the UI's field order
  'multiline', // the UI shows a text area
  'nonsensitive', // Flow lets a plaintext config overlay change this location
  // Flow treats discriminator as an annotation. Ajv's own `discriminator` option would reject
  // schemas from elsewhere (OpenAPI-style `mapping`, branches without a const tag); the
  // validator narrows oneOf errors to the tagged branch instead (see validator.ts).
  'discriminator',
  'redact', // Flow's redaction of a location in documents
  'x-iam-auth', // credentials that the platform can fill in by assuming an IAM role
  'x-hidden-field', // the UI does not show the field (platform-injected or legacy values)
  'x-infer-schema', // Flow widens the collection's read schema by inference
  SAMPLED_SCHEMA_KEYWORD, // discover's sampled attribute types: a hint for destinations, never validated
  'x-collection-name', // Flow UI: the collection name a resource config suggests
  'x-schema-name', // Flow UI: the schema name a resource config suggests
  'x-oauth2-provider', // Flow UI: OAuth2 provider of a credentials object
];

/**
 * Options of Flow's `reduce` annotation. A value that is not one of these is rejected when the
 * schema compiles, as Flow rejects it. The reduce engine chooses strategies from these
 * annotations: this definition is where `reduce` becomes more than an annotation when it needs to.
 */
export const REDUCE_STRATEGIES = [
  'append',
  'firstWriteWins',
  'jsonSchemaMerge',
  'lastWriteWins',
  'maximize',
  'merge',
  'minimize',
  'set',
  'sum',
] as const;
export type ReduceStrategy = (typeof REDUCE_STRATEGIES)[number];

export const REDUCE_KEYWORD: KeywordDefinition = {
  keyword: 'reduce',
  metaSchema: {
    type: 'object',
    required: ['strategy'],
    additionalProperties: false,
    properties: {
      strategy: { enum: [...REDUCE_STRATEGIES] },
      key: { type: 'array', items: { type: 'string', pattern: '^(/([^/~]|~[01])*)*$' } },
      delete: { type: 'boolean' },
      associative: { type: 'boolean' },
    },
  },
};

/** Exact JSON number text, as Flow's string formats `number` and `integer` read it. */
const JSON_NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const JSON_INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
/** Flow's `format: number` also admits these spellings of non-finite floats. */
const NON_FINITE_TEXT = new Set(['NaN', 'Infinity', '-Infinity']);

/** Formats Flow knows that ajv-formats lacks; those not checked here are accepted as annotations. */
const EXTRA_FORMATS: Record<string, true | ((s: string) => boolean)> = {
  number: (s) => JSON_NUMBER_TEXT.test(s) || NON_FINITE_TEXT.has(s),
  integer: (s) => JSON_INTEGER_TEXT.test(s),
  macaddr: (s) => /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(s),
  macaddr8: (s) => /^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}$/.test(s),
  iri: true,
  'iri-reference': true,
  'idn-email': true,
  'idn-hostname': true,
};

export type Ajv = Ajv2020;

/**
 * A new Ajv instance with this project's configuration, our schemas added under their file names
 * (so "endpoint-config.schema.json#/..." resolves). Use `getAjv()` unless you need isolation.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv2020({
    strict: true,
    // These three reject valid JSON Schema that Flow accepts (e.g. our own discovered document
    // schema, whose root has no "type"); schemas from Flow must compile, so they stay off.
    // strictSchema (unknown keywords and formats) and strictNumbers stay on.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: true, // report every problem at once
    verbose: true, // errors carry their schema, for hints; they also carry data: never log them raw
  });
  addFormats(ajv);
  for (const [name, check] of Object.entries(EXTRA_FORMATS)) {
    ajv.addFormat(name, check === true ? true : { type: 'string', validate: check });
  }
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  // Ajv resolves $anchor but does not register it as a keyword, so strict mode rejects a schema
  // with an anchor once a $ref inlines it (as our discovered document schemas do): declare it.
  ajv.addKeyword({ keyword: '$anchor' });
  ajv.addKeyword(REDUCE_KEYWORD);
  for (const [fileName, schema] of Object.entries(schemasByFileName)) ajv.addSchema(schema as object, fileName);
  return ajv;
}

let shared: Ajv | undefined;

/** The process-wide instance, created on first use. */
export function getAjv(): Ajv {
  shared ??= createAjv();
  return shared;
}

/** The compiled validator of one of our schema files, e.g. "endpoint-config.schema.json". */
export function validatorFor(fileName: string, ajv: Ajv = getAjv()): ValidateFunction {
  const v = ajv.getSchema(fileName);
  if (!v) throw new Error(`no schema named ${fileName}; known: ${Object.keys(schemasByFileName).join(', ')}`);
  return v;
}

/** The schema document of one of our files. */
export function schemaFor(fileName: string): JsonSchemaObject {
  const s = schemasByFileName[fileName];
  if (!s) throw new Error(`no schema named ${fileName}`);
  return s;
}
