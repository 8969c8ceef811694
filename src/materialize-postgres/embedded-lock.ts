// One process at a time on an embedded data folder: PGlite keeps no postmaster.pid, and two
// instances writing one folder would corrupt it. The lock is a file beside the folder holding the
// owner's pid; a lock whose process is gone (kill -9) is taken over.
import fs from 'node:fs';
import { ConnectorError } from '../errors.js';

export interface Lock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>.lock`; throws BAD_CONFIG when a live process holds it. */
export function lockDataDir(dataDir: string): Lock {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConnectorError('IO', `cannot create the lock file ${file}: ${(e as Error).message}`, { cause: e });
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new ConnectorError('BAD_CONFIG', `the embedded database ${dataDir} is in use by process ${owner} (lock file ${file}); stop that process, or use another dataDir`);
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new ConnectorError('IO', `cannot take the lock file ${file}: another process keeps re-creating it`);
}
