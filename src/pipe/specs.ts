// The specs the pipe builds in place of Flow's catalog: collections from the capture's discovered
// bindings (with projections), the capture's bindings, and the materialization spec from the
// materialization's validated constraints. Names and keys follow Flow's conventions so that a
// materialization connector sees what it would see under Flow.
import { createHash } from 'node:crypto';
import { ConnectorError } from '../errors.js';
import { stringify } from '../json/stringify.js';
import type { Json, JsonObject } from '../json/value.js';
import type { FieldSelection } from './field-selection.js';
import { deriveProjections, type Projection } from './projections.js';

/** Full key and r-clock ranges: the pipe runs one shard of each task. */
export const FULL_RANGE = { keyEnd: 4294967295, rClockEnd: 4294967295 } as const;

export interface Collection {
  name: string;
  key: string[];
  writeSchema: Json;
  projections: Projection[];
}

/** One table's binding on both sides. */
export interface PipeBinding {
  table: string;
  captureResourceConfig: JsonObject;
  collection: Collection;
  /** The capture binding's state key (bindingStateV1). */
  stateKey: string;
}

interface Discovered {
  recommendedName?: string;
  resourceConfig: JsonObject;
  documentSchema: Json;
  key: string[];
}

/**
 * Bindings from a discover response, all tables or those named (in discovery order). `extra`
 * adds to a table's capture resource config (e.g. its rcuAllocation).
 */
export function bindingsFromDiscovered(discovered: JsonObject, tables: readonly string[] | undefined, extra?: (table: string) => JsonObject | undefined): PipeBinding[] {
  let found = ((discovered.bindings ?? []) as unknown as Discovered[]).map((d) => ({ d, table: String(d.resourceConfig.table ?? d.recommendedName) }));
  if (tables && tables.length > 0) {
    const names = new Set(found.map((f) => f.table));
    const missing = tables.filter((t) => !names.has(t));
    if (missing.length > 0) {
      throw new ConnectorError('BAD_CONFIG', `table(s) ${missing.join(', ')} cannot be captured: they do not exist or have no NEW_AND_OLD_IMAGES stream. Capturable tables: ${[...names].join(', ') || 'none'}`);
    }
    const wanted = new Set(tables);
    found = found.filter((f) => wanted.has(f.table));
  }
  return found.map(({ d, table }) => ({
    table,
    captureResourceConfig: { ...d.resourceConfig, ...extra?.(table) },
    stateKey: `${encodeURIComponent(table)}.v1`,
    collection: { name: d.recommendedName ?? table, key: d.key, writeSchema: d.documentSchema, projections: deriveProjections(d.documentSchema, d.key) },
  }));
}

export function captureBindings(bindings: readonly PipeBinding[]): JsonObject[] {
  return bindings.map((b) => ({
    resourceConfig: b.captureResourceConfig,
    resourcePath: [b.table],
    collection: b.collection as unknown as JsonObject,
    stateKey: b.stateKey,
  }));
}

/**
 * A binding's resource config for the materialization: the property its resource config schema
 * marks `x-collection-name` (Flow's UI fills it with the collection's last path component) holds
 * the table name; without one, `{"table": <name>}`.
 */
export function resourceConfigFor(resourceConfigSchema: Json | undefined, collectionName: string): JsonObject {
  const name = collectionName.split('/').pop() ?? collectionName;
  const props = (resourceConfigSchema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties ?? {};
  const marked = Object.entries(props).find(([, s]) => s['x-collection-name'] === true);
  return { [marked ? marked[0] : 'table']: name };
}

/** Flow's state key of a materialization binding: its escaped resource path and backfill count. */
export function materializationStateKey(resourcePath: readonly string[]): string {
  return `${encodeURIComponent(resourcePath.join('/'))}.v1`;
}

export interface MaterializationBindingSpec {
  resourceConfig: JsonObject;
  resourcePath: string[];
  collection: Collection;
  fieldSelection: FieldSelection;
  deltaUpdates?: boolean;
  stateKey: string;
  journalReadSuffix: string;
}

export interface MaterializationSpec {
  name: string;
  connectorType: 'IMAGE';
  config: Json;
  bindings: MaterializationBindingSpec[];
}

export function materializationSpec(name: string, config: Json, bindings: { resourceConfig: JsonObject; resourcePath: string[]; collection: Collection; fieldSelection: FieldSelection; deltaUpdates: boolean }[]): MaterializationSpec {
  return {
    name,
    connectorType: 'IMAGE',
    config,
    bindings: bindings.map((b) => {
      const stateKey = materializationStateKey(b.resourcePath);
      return {
        resourceConfig: b.resourceConfig,
        resourcePath: b.resourcePath,
        collection: b.collection,
        fieldSelection: b.fieldSelection,
        ...(b.deltaUpdates ? { deltaUpdates: true } : {}),
        stateKey,
        journalReadSuffix: `materialize/${name}/${stateKey}`,
      };
    }),
  };
}

/** A build version in Flow's form ("xx:xx:xx:xx:xx:xx:xx:xx"), from the spec's content. */
export function specVersion(spec: unknown): string {
  const digest = createHash('sha256').update(stringify(spec as Json)).digest('hex').slice(0, 16);
  return digest.match(/../g)!.join(':');
}
