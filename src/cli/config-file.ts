// Reads a config file for the human CLI: JSON or YAML (YAML is a superset of JSON).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConnectorError } from '../errors.js';

export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConnectorError('IO', `cannot read config file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ConnectorError('BAD_CONFIG', `config file ${path} is neither valid JSON nor YAML: ${(e as Error).message}`, { cause: e });
  }
}
