// Validation at the boundary: every request line, and (in tests and debug runs) every response,
// is checked against protocol/*.schema.json. Problems are reported all at once, each with its
// JSON pointer and how to fix it. Messages never echo values from the data, except a
// discriminator tag or a property name, because a config may hold secrets.
import type { ErrorObject } from 'ajv';
import { ConnectorError, type ErrorCode } from '../errors.js';
import type { CaptureRequest, Spec, Discover, Validate, Apply, Open, Acknowledge } from '../generated/capture-request.js';
import type { CaptureResponse } from '../generated/capture-response.js';
import { schemaFor, validatorFor, type Ajv } from './ajv.js';

const REQUEST_SCHEMA = 'capture-request.schema.json';
const RESPONSE_SCHEMA = 'capture-response.schema.json';
/** Longest discriminator value quoted back in a message. */
const MAX_QUOTED_CHARS = 64;

/** One validation problem: where, and what is wrong with how to fix it. */
export interface Problem {
  pointer: string;
  message: string;
}

type Json = Record<string, unknown>;
type SchemaNode = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function quote(s: unknown): string {
  const text = JSON.stringify(s) ?? String(s);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function oneOfList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : quote(v))).join(', ');
}

/** Resolves a $ref met in an error's schema to the schema it names. */
export type RefResolver = (ref: string) => unknown;

/** Resolves "file.schema.json#/ptr" and "#/ptr" (against `baseFile`) among our schema files. */
export function schemaFileResolver(baseFile: string): RefResolver {
  return (ref) => {
    const [file, pointer = ''] = ref.split('#');
    let node: unknown = schemaFor(file || baseFile);
    for (const t of pointer.split('/').slice(1)) node = isObject(node) ? node[t.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return node;
  };
}

/** "(Title: description)" of a schema, as a hint on how to fill a location. */
function hint(schema: unknown, resolve?: RefResolver): string {
  for (let hops = 0; isObject(schema) && typeof schema.$ref === 'string' && resolve && hops < 8; hops++) schema = resolve(schema.$ref);
  if (!isObject(schema)) return '';
  let text = [schema.title, schema.description].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  const tag = (schema.discriminator as { propertyName?: unknown } | undefined)?.propertyName;
  if (typeof tag === 'string' && Array.isArray(schema.oneOf)) {
    const consts = (schema.oneOf as SchemaNode[]).map((b) => ((b.properties as SchemaNode | undefined)?.[tag] as SchemaNode | undefined)?.const);
    text += `${text ? ' ' : ''}Its ${tag} is one of ${oneOfList(consts)}.`;
  }
  return text ? ` (${text})` : '';
}

/**
 * How a oneOf picks its branch, when it can: by a discriminator's const tag (credentials'
 * auth_type), or by which single required key is present (a protocol message's verb).
 */
function selectBranch(oneOf: SchemaNode, data: unknown): { index: number } | { problem: string; tagPointer?: string } | undefined {
  const branches = (oneOf.oneOf ?? []) as SchemaNode[];
  const tag = (oneOf.discriminator as { propertyName?: unknown } | undefined)?.propertyName;
  if (typeof tag === 'string') {
    const consts = branches.map((b) => ((b.properties as SchemaNode | undefined)?.[tag] as SchemaNode | undefined)?.const);
    const value = isObject(data) ? data[tag] : undefined;
    const index = value === undefined ? -1 : consts.findIndex((c) => c === value);
    if (index >= 0) return { index };
    if (!isObject(data)) return undefined;
    const problem =
      value === undefined
        ? `is required: set it to one of ${oneOfList(consts)}`
        : `unknown ${tag} ${quote(value)}: expected one of ${oneOfList(consts)}`;
    return { problem, tagPointer: `/${escapeToken(tag)}` };
  }
  const keys = branches.map((b) => (Array.isArray(b.required) && b.required.length === 1 ? b.required[0] : undefined));
  if (keys.some((k) => typeof k !== 'string') || !isObject(data)) return undefined;
  const present = keys.map((k, i) => (Object.hasOwn(data, k as string) ? i : -1)).filter((i) => i >= 0);
  if (present.length === 1) return { index: present[0]! };
  if (present.length > 1) return { problem: `has several of ${oneOfList(keys)}; exactly one is allowed` };
  return { problem: `needs exactly one of ${oneOfList(keys)}` };
}

/**
 * The schema of property `name` where a `required` inside then/else/allOf/anyOf/oneOf names a
 * property that the enclosing object schema defines.
 */
function enclosingProperty(e: ErrorObject, name: string, resolve?: RefResolver): unknown {
  if (!resolve) return undefined;
  const tokens = e.schemaPath.split('/').slice(0, -1);
  for (;;) {
    const last = tokens[tokens.length - 1];
    if (last === 'then' || last === 'else') tokens.pop();
    else if (/^[0-9]+$/.test(last ?? '') && ['allOf', 'anyOf', 'oneOf'].includes(tokens[tokens.length - 2] ?? '')) tokens.splice(-2);
    else break;
  }
  const schema = resolve(tokens.join('/'));
  return isObject(schema) && isObject(schema.properties) ? schema.properties[name] : undefined;
}

function describe(e: ErrorObject, resolve?: RefResolver): Problem {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const parent = e.parentSchema as SchemaNode | undefined;
  const props = (parent?.properties ?? {}) as Record<string, SchemaNode>;
  switch (e.keyword) {
    case 'required': {
      const name = String(p.missingProperty);
      return { pointer: `${at}/${escapeToken(name)}`, message: `is required; add it${hint(props[name] ?? enclosingProperty(e, name, resolve), resolve)}` };
    }
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = Object.entries(props)
        .filter(([, s]) => !s['x-hidden-field'])
        .map(([k]) => k);
      const list = allowed.length ? ` (allowed here: ${allowed.join(', ')})` : '';
      return { pointer: `${at}/${escapeToken(name)}`, message: `unknown property; remove it or fix its spelling${list}` };
    }
    case 'propertyNames':
      return { pointer: at, message: `has an invalid property name ${quote(p.propertyName)}${hint(parent)}` };
    case 'type': {
      const want = String(p.type).split(',').join(' or ');
      return { pointer: at, message: `must be ${want}, not ${typeOf(e.data)}${hint(parent)}` };
    }
    case 'const':
      return { pointer: at, message: `must be ${quote(p.allowedValue)}` };
    case 'enum':
      return { pointer: at, message: `must be one of ${oneOfList(p.allowedValues as unknown[])}` };
    case 'minLength':
      return { pointer: at, message: p.limit === 1 ? `must not be empty${hint(parent)}` : `${e.message}${hint(parent)}` };
    case 'format':
      return { pointer: at, message: `must be a valid ${String(p.format)}${hint(parent)}` };
    case 'pattern':
      return { pointer: at, message: `is not valid: ${e.message}${hint(parent)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer: at, message: `${e.message}${hint(parent)}` };
    case 'oneOf':
      return { pointer: at, message: `must match exactly one of its allowed shapes${hint(parent)}` };
    case 'anyOf':
      return { pointer: at, message: `must match at least one of its allowed shapes${hint(parent)}` };
    default:
      return { pointer: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/**
 * Turns Ajv errors (from a validator compiled with `verbose`) into problems: branches of a oneOf
 * that the data did not choose are dropped, `if` failures are left to their then/else errors,
 * duplicates are merged.
 */
export function describeErrors(errors: readonly ErrorObject[], resolve?: RefResolver): Problem[] {
  // A propertyNames failure also reports the inner failure, at the map: keep the clearer one.
  let kept = errors.filter((e) => !e.schemaPath.includes('/propertyNames/'));
  const extra: Problem[] = [];
  // Outer oneOfs first, so that a nested one inside a dropped branch is dropped with it.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const e of oneOfs) {
    if (!kept.includes(e) || !isObject(e.parentSchema)) continue;
    const choice = selectBranch(e.parentSchema, e.data);
    if (!choice) continue;
    const prefix = `${e.schemaPath}/`;
    const keepPrefix = 'index' in choice ? `${prefix}${choice.index}/` : undefined;
    kept = kept.filter((k) => k !== e && (!k.schemaPath.startsWith(prefix) || (keepPrefix !== undefined && k.schemaPath.startsWith(keepPrefix))));
    if ('problem' in choice) extra.push({ pointer: `${e.instancePath}${choice.tagPointer ?? ''}`, message: choice.problem });
  }
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of [...extra, ...kept.filter((e) => e.keyword !== 'if').map((e) => describe(e, resolve))]) {
    const id = `${p.pointer}\u0000${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

/** One line: "<what> is invalid: /a: ...; /b: ...". */
export function formatProblems(what: string, problems: readonly Problem[]): string {
  const list = problems.map((p) => `${p.pointer === '' ? '(top level)' : p.pointer}: ${p.message}`).join('; ');
  const count = problems.length === 1 ? '' : ` (${problems.length} problems)`;
  return `${what} is invalid${count}: ${list}`;
}

/** Every problem of `data` against one of our schema files; empty when it is valid. */
export function problemsAgainst(fileName: string, data: unknown, ajv?: Ajv): Problem[] {
  const validate = validatorFor(fileName, ajv);
  return validate(data) ? [] : describeErrors(validate.errors ?? [], schemaFileResolver(fileName));
}

export interface ReportOptions {
  /** Removes secrets from messages (configs). */
  scrub?: (text: string) => string;
  /** A closing sentence, e.g. what to do next. */
  footer?: string;
}

/** Throws ConnectorError(code) listing every problem, unless there are none. */
export function throwProblems(code: ErrorCode, what: string, problems: readonly Problem[], opts: ReportOptions = {}): void {
  if (problems.length === 0) return;
  const scrub = opts.scrub ?? ((s: string) => s);
  const scrubbed = problems.map((p) => ({ pointer: p.pointer, message: scrub(p.message) }));
  const message = formatProblems(what, scrubbed) + (opts.footer ? `. ${opts.footer}` : '');
  throw new ConnectorError(code, scrub(message), { fields: { problems: scrubbed } });
}

/**
 * Validates `data` against one of our schema files; throws ConnectorError(code) listing every
 * problem.
 */
export function validateAgainst(fileName: string, data: unknown, code: ErrorCode, what: string, opts: ReportOptions & { ajv?: Ajv } = {}): void {
  throwProblems(code, what, problemsAgainst(fileName, data, opts.ajv), opts);
}

// ---- requests ----

/** The verbs, in the order of the request schema's oneOf. */
export const REQUEST_VERBS = ((schemaFor(REQUEST_SCHEMA).oneOf ?? []) as SchemaNode[]).map((b) => (b.required as string[])[0]!) as RequestVerb[];

export type RequestVerb = 'spec' | 'discover' | 'validate' | 'apply' | 'open' | 'acknowledge';

export type RequestParts =
  | { verb: 'spec'; body: Spec }
  | { verb: 'discover'; body: Discover }
  | { verb: 'validate'; body: Validate }
  | { verb: 'apply'; body: Apply }
  | { verb: 'open'; body: Open }
  | { verb: 'acknowledge'; body: Acknowledge };

/**
 * Validates a parsed request line and fills in the zero values the runtime omits (binding 0,
 * keyBegin 0, empty state...), in place. Throws ConnectorError('BAD_REQUEST') listing every problem.
 */
export function parseRequest(line: unknown, ajv?: Ajv): CaptureRequest {
  if (!isObject(line)) {
    throw new ConnectorError('BAD_REQUEST', `a request must be a JSON object with one verb key, such as {"spec":{}}; got ${typeOf(line)}`);
  }
  const verbs = REQUEST_VERBS.filter((v) => Object.hasOwn(line, v));
  if (verbs.length !== 1) {
    const expected = `expected one of ${REQUEST_VERBS.join(', ')}`;
    const others = Object.keys(line).filter((k) => !k.startsWith('$'));
    let message: string;
    if (verbs.length > 1) message = `request has several verbs (${verbs.join(', ')}): send exactly one per line`;
    else if (others.length === 0) message = `request has no verb: ${expected}`;
    else message = `unknown request verb ${others.map((k) => `'${k}'`).join(', ')}: ${expected}`;
    throw new ConnectorError('BAD_REQUEST', message);
  }
  validateAgainst(REQUEST_SCHEMA, line, 'BAD_REQUEST', `${verbs[0]} request`, { ajv });
  applyDefaults(schemaFor(REQUEST_SCHEMA) as SchemaNode, line, schemaFor(REQUEST_SCHEMA) as SchemaNode);
  return line as unknown as CaptureRequest;
}

/** The verb of a validated request and its body. */
export function splitRequest(req: CaptureRequest): RequestParts {
  const verb = REQUEST_VERBS.find((v) => Object.hasOwn(req, v))!;
  return { verb, body: (req as Record<string, unknown>)[verb] } as RequestParts;
}

function resolveLocal(root: SchemaNode, node: SchemaNode): SchemaNode {
  let cur = node;
  for (let hops = 0; typeof cur.$ref === 'string' && cur.$ref.startsWith('#/') && hops < 32; hops++) {
    let target: unknown = root;
    for (const t of cur.$ref.slice(2).split('/')) target = isObject(target) ? target[t.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isObject(target)) break;
    cur = target;
  }
  return cur;
}

/**
 * Fills absent properties that have a `default` in the schema (on the property or on its $ref
 * target), recursing into present values. Only for data that already validated.
 */
function applyDefaults(schema: SchemaNode, data: unknown, root: SchemaNode): void {
  const s = resolveLocal(root, schema);
  if (Array.isArray(data)) {
    if (isObject(s.items)) for (const item of data) applyDefaults(s.items, item, root);
    return;
  }
  if (!isObject(data)) return;
  const props = (s.properties ?? {}) as Record<string, SchemaNode>;
  for (const [key, propSchema] of Object.entries(props)) {
    if (!Object.hasOwn(data, key)) {
      const dflt = propSchema.default !== undefined ? propSchema.default : resolveLocal(root, propSchema).default;
      if (dflt === undefined) continue;
      data[key] = structuredClone(dflt);
    }
    applyDefaults(propSchema, data[key], root);
  }
  for (const branch of (s.oneOf ?? []) as SchemaNode[]) {
    const required = (resolveLocal(root, branch).required ?? []) as string[];
    if (required.every((k) => Object.hasOwn(data, k))) applyDefaults(branch, data, root);
  }
}

// ---- responses ----

/**
 * Asserts that a response message conforms to the response schema; for tests and debug runs of
 * the writer. A failure is our bug: ConnectorError('INTERNAL') listing every problem. Numbers held
 * as LosslessNumber inside documents or state are fine: those objects are opaque here.
 */
export function checkResponse(msg: unknown, ajv?: Ajv): asserts msg is CaptureResponse {
  const verb = isObject(msg) ? Object.keys(msg)[0] : undefined;
  validateAgainst(RESPONSE_SCHEMA, msg, 'INTERNAL', `response ${quote(verb ?? null)}`, {
    ajv,
    footer: 'This is a bug in source-dynamodb; please report it with this log line',
  });
}
