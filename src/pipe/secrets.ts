// Registers the secrets of a materialization's config with the logger: the values at locations its
// config schema marks `secret` (or `airbyte_secret`), found through properties, items and the
// oneOf/anyOf/allOf branches. The pipe cannot know another connector's secrets any other way.
import type { Logger } from '../log.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every string at a location the schema marks secret. */
export function secretsBySchema(config: unknown, schema: unknown, depth = 0): string[] {
  if (!isNode(schema) || depth > 32) return [];
  const out: string[] = [];
  if ((schema.secret === true || schema.airbyte_secret === true) && typeof config === 'string') out.push(config);
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[k];
    if (Array.isArray(branches)) for (const b of branches) out.push(...secretsBySchema(config, b, depth + 1));
  }
  if (isNode(config) && isNode(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) if (Object.hasOwn(config, name)) out.push(...secretsBySchema(config[name], sub, depth + 1));
  }
  if (Array.isArray(config) && isNode(schema.items)) for (const item of config) out.push(...secretsBySchema(item, schema.items, depth + 1));
  return out;
}

export function redactBySchema(config: unknown, schema: unknown, log: Logger): void {
  for (const s of secretsBySchema(config, schema)) log.redact(s);
}
