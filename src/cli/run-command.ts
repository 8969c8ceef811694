// Runs a parsed command line's command: config files read, the verb or runner called, its output
// written to stdout. Options are checked already (parse-command-line.ts).
import { readConfigFile } from './config-file.js';
import { captureCommand } from './capture.js';
import type { OptionValues } from './parse-command-line.js';
import { discover } from '../verbs/discover.js';
import { spec } from '../verbs/spec.js';
import { writeTypeScript } from '../discover/typescript.js';
import type { Logger } from '../log.js';
import { Writer } from '../protocol/writer.js';
import { redactConfig } from '../verbs/redact.js';
import { runCombine } from '../reduce/cli.js';
import { pipeCommand } from '../pipe/cli.js';
import type { OnStop } from '../signals.js';

export async function runCommand(command: string, values: OptionValues, deps: { log: Logger; onStop: OnStop }): Promise<void> {
  const { log, onStop } = deps;
  const writer = new Writer(process.stdout);
  switch (command) {
    case 'spec':
      await writer.write([JSON.stringify(spec().spec, null, 2)]);
      break;
    case 'discover': {
      const config = await readConfigFile(values.required('config'));
      redactConfig(config, log);
      const out = (await discover({ config }, { log, writer, env: process.env })) as { discovered: { bindings: Parameters<typeof writeTypeScript>[0] } };
      const typescript = values.string('typescript');
      if (typescript) {
        const paths = await writeTypeScript(out.discovered.bindings, typescript);
        log.info('wrote TypeScript types', { files: paths });
      }
      await writer.write([JSON.stringify(out.discovered, null, 2)]);
      break;
    }
    case 'capture': {
      const config = await readConfigFile(values.required('config'));
      redactConfig(config, log);
      const statePath = values.string('state');
      const tables = values.list('table');
      await captureCommand({ config, log, stdout: process.stdout, onStop, env: process.env, ...(statePath ? { statePath } : {}), ...(tables ? { tables } : {}) });
      break;
    }
    case 'pipe': {
      const [state, name, rcu, tables] = [values.string('state'), values.string('name'), values.string('rcu-allocation'), values.list('table')];
      await pipeCommand(
        {
          config: values.required('config'),
          into: values.required('into'),
          'materialization-config': values.required('materialization-config'),
          ...(tables ? { table: tables } : {}),
          ...(state ? { state } : {}),
          ...(name ? { name } : {}),
          ...(rcu ? { 'rcu-allocation': rcu } : {}),
        },
        { log, onStop, env: process.env },
      );
      break;
    }
    case 'combine': {
      const schema = await readConfigFile(values.required('schema'));
      const keyPointers = values.required('key').split(',');
      await runCombine({ input: process.stdin, output: process.stdout, schema, keyPointers, mode: values.flag('partial') ? 'partial' : 'full' });
      break;
    }
    default:
      throw new Error(`command ${command} is in the command table but has no implementation`);
  }
  await writer.flush();
}
