// Validates one document against a compiled schema and collects the `reduce` annotations that
// apply at each of its locations (PROTOCOL.md §5). Annotations go on a flat list while the walk
// runs; a branch whose annotations must be dropped (a failed anyOf/oneOf branch, a failed `if`,
// anything under `not`, a `contains` miss) is rolled back by truncating the list to where it began.
// Annotations of an invalid subschema need no rollback of their own: its failure propagates to the
// nearest such branch, or to the root, where the document is rejected.
import { formatPointer } from '../json/pointer.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import { checkValue } from './schema-assert.js';
import type { SchemaNode } from './schema-node.js';
import type { Strategy } from './strategy.js';

export interface AnnotationEntry {
  /** Document location, as pointer tokens. */
  readonly path: readonly string[];
  readonly strategy: Strategy;
  /** Schema location of the annotation, for messages. */
  readonly src: string;
}

export interface EvaluationError {
  /** Document location (JSON pointer). */
  readonly instance: string;
  /** Schema location of the failing keyword. */
  readonly schema: string;
  readonly message: string;
}

/** Enough errors to explain a failure; a document that fails is rejected whole. */
const MAX_ERRORS = 8;

export interface Evaluated {
  valid: boolean;
  annotations: AnnotationEntry[];
  errors: EvaluationError[];
}

export function evaluate(root: SchemaNode, doc: Json): Evaluated {
  const e = new Evaluation();
  const valid = e.node(root, doc);
  return { valid, annotations: e.entries, errors: e.errors };
}

class Evaluation {
  readonly entries: AnnotationEntry[] = [];
  readonly errors: EvaluationError[] = [];
  private readonly path: string[] = [];

  node(n: SchemaNode, v: Json): boolean {
    if (n.bool !== undefined) return n.bool || this.fail(n.loc, 'no value is allowed here (false schema)');
    const bad = checkValue(n, v);
    if (bad) return this.fail(`${n.loc}/${bad[0]}`, bad[1]);
    if (n.reduce) this.entries.push({ path: [...this.path], strategy: n.reduce, src: `${n.loc}/reduce` });
    for (const r of n.refs ?? []) if (!this.node(r, v)) return false;
    for (const s of n.allOf ?? []) if (!this.node(s, v)) return false;
    if (n.anyOf && !this.anyOf(n, n.anyOf, v)) return false;
    if (n.oneOf && !this.oneOf(n, n.oneOf, v)) return false;
    if (n.not) {
      const mark = this.mark();
      const matched = this.node(n.not, v);
      this.rollback(mark);
      if (matched) return this.fail(`${n.loc}/not`, 'must not match the "not" schema');
    }
    if (n.if) {
      const mark = this.mark();
      const cond = this.node(n.if, v);
      if (!cond) this.rollback(mark);
      const branch = cond ? n.then : n.else;
      if (branch && !this.node(branch, v)) return false;
    }
    if (isJsonObject(v)) return this.object(n, v);
    if (Array.isArray(v)) return this.array(n, v);
    return true;
  }

  private anyOf(n: SchemaNode, branches: SchemaNode[], v: Json): boolean {
    let any = false;
    for (const b of branches) {
      const mark = this.mark();
      if (this.node(b, v)) any = true;
      else this.rollback(mark);
    }
    if (!any) return this.fail(`${n.loc}/anyOf`, 'must match at least one anyOf branch');
    return true;
  }

  private oneOf(n: SchemaNode, branches: SchemaNode[], v: Json): boolean {
    let matched = 0;
    for (const b of branches) {
      const mark = this.mark();
      if (this.node(b, v)) matched++;
      else this.rollback(mark);
      if (matched > 1) return this.fail(`${n.loc}/oneOf`, 'must match exactly one oneOf branch, but matches several');
    }
    if (matched === 0) return this.fail(`${n.loc}/oneOf`, 'must match exactly one oneOf branch, but matches none');
    return true;
  }

  private object(n: SchemaNode, o: JsonObject): boolean {
    if (n.properties || n.patternProperties || n.additionalProperties || n.propertyNames) {
      for (const name of Object.keys(o)) {
        const v = o[name]!;
        this.path.push(name);
        let ok = true;
        let matched = false;
        const prop = n.properties?.get(name);
        if (prop) {
          matched = true;
          ok = this.node(prop, v);
        }
        for (const [re, s] of n.patternProperties ?? []) {
          if (!ok || !re.test(name)) continue;
          matched = true;
          ok = this.node(s, v);
        }
        if (ok && !matched && n.additionalProperties) ok = this.node(n.additionalProperties, v);
        if (ok && n.propertyNames) {
          const mark = this.mark();
          ok = this.node(n.propertyNames, name);
          this.rollback(mark); // annotations of a name are not annotations of the value
          if (!ok) this.fail(`${n.loc}/propertyNames`, `property name ${JSON.stringify(name)} is not allowed`);
        }
        this.path.pop();
        if (!ok) return false;
      }
    }
    for (const [name, s] of n.dependentSchemas ?? []) if (Object.hasOwn(o, name) && !this.node(s, o)) return false;
    return true;
  }

  private array(n: SchemaNode, a: Json[]): boolean {
    const prefix = n.prefixItems ?? [];
    for (let i = 0; i < a.length; i++) {
      const s = i < prefix.length ? prefix[i] : n.items;
      if (!s) continue;
      this.path.push(String(i));
      const ok = this.node(s, a[i]!);
      this.path.pop();
      if (!ok) return false;
    }
    if (n.contains) {
      let hits = 0;
      for (let i = 0; i < a.length; i++) {
        const mark = this.mark();
        this.path.push(String(i));
        if (this.node(n.contains, a[i]!)) hits++;
        else this.rollback(mark);
        this.path.pop();
      }
      const min = n.minContains ?? 1;
      if (hits < min) return this.fail(`${n.loc}/contains`, `must contain at least ${min} matching item(s)`);
      if (n.maxContains !== undefined && hits > n.maxContains) return this.fail(`${n.loc}/maxContains`, `must contain at most ${n.maxContains} matching item(s)`);
    }
    return true;
  }

  private mark(): [number, number] {
    return [this.entries.length, this.errors.length];
  }

  /** Drops what a branch recorded: its annotations and its errors. */
  private rollback([entries, errors]: [number, number]): void {
    this.entries.length = entries;
    this.errors.length = errors;
  }

  private fail(schema: string, message: string): false {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ instance: formatPointer(this.path), schema, message });
    return false;
  }
}
