// `source-dynamodb pipe`: the CLI's options turned into runPipe's, config files read (JSON or
// YAML), the --into command split into argv (it runs without a shell).
import { readConfigFile } from '../cli/config-file.js';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { redactConfig } from '../verbs/redact.js';
import { runPipe, type PipeOptions } from './run-pipe.js';
import type { PipeTotals } from './progress.js';
import { shellWords } from './shell-words.js';

export interface PipeCliValues {
  config?: string;
  into?: string;
  'materialization-config'?: string;
  table?: string[];
  state?: string;
  name?: string;
  'rcu-allocation'?: string;
}

export async function pipeCommand(values: PipeCliValues, deps: { log: Logger; onStop: NonNullable<PipeOptions['onStop']>; env: NodeJS.ProcessEnv; usage: string }): Promise<PipeTotals> {
  const need = (v: string | undefined, flag: string): string => {
    if (!v) throw new ConnectorError('BAD_REQUEST', `missing ${flag}\n\n${deps.usage}`);
    return v;
  };
  const captureConfig = await readConfigFile(need(values.config, '--config FILE'));
  redactConfig(captureConfig, deps.log);
  const command = shellWords(need(values.into, '--into "COMMAND"'));
  if (command.length === 0) throw new ConnectorError('BAD_REQUEST', `--into names no command\n\n${deps.usage}`);
  const rcu = values['rcu-allocation'];
  if (rcu !== undefined && !/^[0-9]+$/.test(rcu)) throw new ConnectorError('BAD_REQUEST', `--rcu-allocation must be a whole number of read capacity units per second, not ${JSON.stringify(rcu)}`);
  const materializationConfig = await readConfigFile(need(values['materialization-config'], '--materialization-config FILE'));
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
