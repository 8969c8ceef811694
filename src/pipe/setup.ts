// Before data moves: spec and validate both sides, choose each binding's field selection from the
// materialization's constraints, and apply both (Flow's publish, done locally). The capture's
// bindings come from its own discover; collections get projections derived from the discovered
// document schemas, never narrower than the last applied ones and widened by what documents showed
// (widen.ts), as Flow's inferred schemas only widen; a field selected before stays selected.
import { ConnectorError } from '../errors.js';
import { parsePointer } from '../json/pointer.js';
import { stringify } from '../json/stringify.js';
import type { Json, JsonObject } from '../json/value.js';
import type { Logger } from '../log.js';
import { KeyExtractor } from '../reduce/key.js';
import { SchemaIndex } from '../reduce/schema-index.js';
import type { Connector } from './connector.js';
import type { FeedBinding } from './capture-feed.js';
import { selectFields, type Constraint } from './field-selection.js';
import type { Projection } from './projections.js';
import { redactBySchema } from './secrets.js';
import type { PipeStateFile } from './pipe-state.js';
import { callUnary, intOf } from './rpc.js';
import { applyStateUpdate } from './runtime-checkpoint.js';
import { bindingsFromDiscovered, captureBindings, materializationSpec, resourceConfigFor, specVersion, type MaterializationSpec, type PipeBinding } from './specs.js';
import type { StoreBinding } from './transaction.js';
import { unionInference, type Widening } from './widen.js';

/** The protocol both connectors must speak (PROTOCOL.md §1). */
export const PROTOCOL_VERSION = 3032023;

export interface SetupOptions {
  name: string;
  capture: Connector;
  captureConfig: Json;
  tables?: readonly string[];
  materialization: Connector;
  materializationConfig: Json;
  /** Adds to a table's capture resource config (e.g. {rcuAllocation}). */
  captureResourceConfig?: (table: string) => JsonObject | undefined;
  /** Overrides the resource config of a binding's materialization (default: x-collection-name). */
  resourceConfig?: (table: string, resourceConfigSchema: Json | undefined) => JsonObject;
  state: PipeStateFile;
  log: Logger;
  /** Projections that documents showed too narrow (ProjectionWidening), widened. */
  widenings?: readonly Widening[];
}

export interface Setup {
  bindings: PipeBinding[];
  captureSpec: JsonObject;
  captureVersion: string;
  materialization: MaterializationSpec;
  version: string;
  feedBindings: FeedBinding[];
  storeBindings: StoreBinding[];
}

const serialize = (msg: Record<string, unknown>): string => stringify(msg as Json);

function checkProtocol(spec: JsonObject, who: string): void {
  const protocol = intOf(spec.protocol, `${who} spec.protocol`);
  if (protocol !== PROTOCOL_VERSION) {
    throw new ConnectorError('BAD_CONFIG', `the ${who} connector speaks protocol ${protocol}, not Flow's ${PROTOCOL_VERSION}: it cannot run under this pipe`);
  }
}

export async function setup(o: SetupOptions): Promise<Setup> {
  checkProtocol(await callUnary(o.capture, { spec: { connectorType: 'IMAGE', config: o.captureConfig } }, 'spec', serialize), 'capture');
  const discovered = await callUnary(o.capture, { discover: { connectorType: 'IMAGE', config: o.captureConfig } }, 'discovered', serialize);
  const bindings = bindingsFromDiscovered(discovered, o.tables, o.captureResourceConfig);
  if (bindings.length === 0) throw new ConnectorError('NO_TABLES', 'the capture discovered no tables to capture');
  const lastBindings = o.state.data.lastMaterialization?.bindings ?? [];
  for (const b of bindings) widenProjections(b, lastBindings, o.widenings ?? []);
  const captureSpec: JsonObject = { name: o.name, connectorType: 'IMAGE', config: o.captureConfig, bindings: captureBindings(bindings) };
  const captureVersion = specVersion(captureSpec);
  const capValidated = await callUnary(
    o.capture,
    { validate: { name: o.name, connectorType: 'IMAGE', config: o.captureConfig, bindings: bindings.map((b) => ({ resourceConfig: b.captureResourceConfig, collection: b.collection, backfill: 0 })) } },
    'validated',
    serialize,
  );
  const capPaths = ((capValidated.bindings ?? []) as { resourcePath?: string[] }[]).map((b) => (b.resourcePath ?? []).join('/'));
  if (capPaths.length !== bindings.length || capPaths.some((p, i) => p !== bindings[i]!.table)) {
    throw new ConnectorError('BAD_REQUEST', `the capture validated resource paths [${capPaths.join(', ')}] for tables [${bindings.map((b) => b.table).join(', ')}]`);
  }

  const matSpec = await callUnary(o.materialization, { spec: { connectorType: 'IMAGE', config: o.materializationConfig } }, 'spec', serialize);
  checkProtocol(matSpec, 'materialization');
  redactBySchema(o.materializationConfig, matSpec.configSchema, o.log);
  const resourceConfigs = bindings.map((b) => (o.resourceConfig ?? ((_t, s) => resourceConfigFor(s, b.collection.name)))(b.table, matSpec.resourceConfigSchema));
  const last = o.state.data;
  const validated = await callUnary(
    o.materialization,
    {
      validate: {
        name: o.name,
        connectorType: 'IMAGE',
        config: o.materializationConfig,
        bindings: bindings.map((b, i) => ({ resourceConfig: resourceConfigs[i], collection: b.collection, fieldConfig: {}, backfill: 0 })),
        ...(last.lastMaterialization ? { lastMaterialization: last.lastMaterialization, lastVersion: last.lastVersion } : {}),
      },
    },
    'validated',
    serialize,
  );
  const vBindings = (validated.bindings ?? []) as { constraints?: Record<string, Constraint>; resourcePath?: string[]; deltaUpdates?: boolean }[];
  if (vBindings.length !== bindings.length) {
    throw new ConnectorError('BAD_REQUEST', `the materialization validated ${vBindings.length} binding(s) for ${bindings.length} requested`);
  }
  const problems: string[] = [];
  const selected = bindings.map((b, i) => {
    const v = vBindings[i]!;
    const deltaUpdates = v.deltaUpdates === true;
    try {
      const previous = lastBindings.find((l) => l.collection.name === b.collection.name)?.fieldSelection.values;
      const fieldSelection = selectFields({ binding: b.table, projections: b.collection.projections, keyPointers: b.collection.key, constraints: v.constraints ?? {}, deltaUpdates, ...(previous ? { previous } : {}) });
      return { resourceConfig: resourceConfigs[i]!, resourcePath: v.resourcePath ?? [b.table], collection: b.collection, fieldSelection, deltaUpdates };
    } catch (e) {
      problems.push((e as Error).message);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConnectorError('VALIDATION_FAILED', problems.join('; '));
  const materialization = materializationSpec(o.name, o.materializationConfig, selected.map((s) => s!));
  const version = specVersion(materialization);

  await callUnary(o.capture, { apply: { capture: captureSpec, version: captureVersion } }, 'applied', serialize);
  const applied = await callUnary(
    o.materialization,
    {
      apply: {
        materialization,
        version,
        ...(last.lastMaterialization ? { lastMaterialization: last.lastMaterialization, lastVersion: last.lastVersion } : {}),
        state: last.connectorState,
      },
    },
    'applied',
    serialize,
  );
  if (applied.actionDescription) o.log.info('materialization applied', { actionDescription: applied.actionDescription, version });
  const upd = applied.state as { updated?: Json; mergePatch?: boolean } | undefined;
  if (upd) last.connectorState = applyStateUpdate(last.connectorState, upd.updated ?? {}, upd.mergePatch === true);
  last.lastMaterialization = materialization;
  last.lastVersion = version;
  await o.state.save();

  const feedBindings: FeedBinding[] = [];
  const storeBindings: StoreBinding[] = [];
  bindings.forEach((b, i) => {
    const schema = SchemaIndex.compile(b.collection.writeSchema);
    const sel = materialization.bindings[i]!.fieldSelection;
    const projection = (field: string): Projection => b.collection.projections.find((p) => p.field === field)!;
    feedBindings.push({ schema, keyPointers: b.collection.key });
    storeBindings.push({
      schema,
      keyPointers: b.collection.key,
      keys: new KeyExtractor(b.collection.key),
      collection: b.collection.name,
      values: sel.values.map((f) => parsePointer(projection(f).ptr)),
      valueFields: sel.values,
      valueInference: sel.values.map((f) => projection(f).inference),
      withDocument: sel.document !== '',
      deltaUpdates: selected[i]!.deltaUpdates,
    });
  });
  return { bindings, captureSpec, captureVersion, materialization, version, feedBindings, storeBindings };
}

/**
 * A binding's projections made at least as wide as in the last applied materialization of its
 * collection, then as wide as the widenings documents asked for.
 */
function widenProjections(b: PipeBinding, last: readonly MaterializationSpec['bindings'][number][], widenings: readonly Widening[]): void {
  const before = last.find((l) => l.collection.name === b.collection.name)?.collection.projections ?? [];
  for (const p of b.collection.projections) {
    if (p.ptr === '' || p.isPrimaryKey) continue;
    const old = before.find((x) => x.field === p.field);
    if (old) p.inference = unionInference(p.inference, old.inference);
    for (const w of widenings) if (w.collection === b.collection.name && w.field === p.field) p.inference = unionInference(p.inference, w.inference);
  }
}
