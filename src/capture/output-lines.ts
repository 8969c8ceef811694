// The two protocol lines a capture writes, built as text around already-serialized documents.
import { stringify } from '../json/stringify.js';
import type { JsonObject } from '../json/value.js';

export function capturedLine(binding: number, docText: string): string {
  return `{"captured":{"binding":${binding},"doc":${docText}}}`;
}

export function checkpointLine(statePatch: JsonObject): string {
  return `{"checkpoint":{"state":{"updated":${stringify(statePatch)},"mergePatch":true}}}`;
}

/** Wraps a table-state patch under bindingStateV1[stateKey]. */
export function bindingPatch(stateKey: string, tablePatch: JsonObject): JsonObject {
  return { bindingStateV1: { [stateKey]: tablePatch } };
}
