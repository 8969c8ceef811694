// `source-dynamodb pipe`: the CLI's options (already checked by src/cli/parse-command-line.ts)
// turned into runPipe's, config files read (JSON or YAML), the --into command split into argv (it
// runs without a shell).
import { readConfigFile } from '../cli/config-file.js';
import type { Logger } from '../log.js';
import { redactConfig } from '../verbs/redact.js';
import { runPipe, type PipeOptions } from './run-pipe.js';
import type { PipeTotals } from './progress.js';
import { shellWords } from './shell-words.js';

export interface PipeCliValues {
  config: string;
  into: string;
  'materialization-config': string;
  table?: string[];
  state?: string;
  name?: string;
  /** A whole number, as the parser checked. */
  'rcu-allocation'?: string;
}

export async function pipeCommand(values: PipeCliValues, deps: { log: Logger; onStop: NonNullable<PipeOptions['onStop']>; env: NodeJS.ProcessEnv }): Promise<PipeTotals> {
  const captureConfig = await readConfigFile(values.config);
  redactConfig(captureConfig, deps.log);
  const command = shellWords(values.into);
  const rcu = values['rcu-allocation'];
  const materializationConfig = await readConfigFile(values['materialization-config']);
  return runPipe({
    captureConfig,
    materialization: { command, config: materializationConfig },
    log: deps.log,
    onStop: deps.onStop,
    env: deps.env,
    ...(values.table ? { tables: values.table } : {}),
    ...(values.state ? { statePath: values.state } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(rcu !== undefined ? { captureResourceConfig: () => ({ rcuAllocation: Number(rcu) }) } : {}),
  });
}
