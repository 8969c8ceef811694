// Tells whether a given process owns the listening socket on a port, from Linux's /proc.
// Why: a free port can be taken by another DynamoDB Local (tests run in parallel) between our
// probe and our JVM's bind; a ListTables probe alone would then be answered by the other instance
// and our start would look ready while our JVM has failed to bind.

import { readFile, readdir, readlink } from 'node:fs/promises';

/** TCP state code of a listening socket in /proc/net/tcp{,6}. */
const TCP_LISTEN = '0A';

/** Socket inodes listening on `port` in the text of /proc/net/tcp or /proc/net/tcp6. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (f.length < 10 || local === undefined || f[3] !== TCP_LISTEN) continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.push(f[9] as string);
  }
  return inodes;
}

/** The inode of a `socket:[inode]` fd link, or undefined for anything else. */
export function socketInode(link: string): string | undefined {
  return /^socket:\[(\d+)\]$/.exec(link)?.[1];
}

/**
 * true if `pid` holds a socket listening on `port`, false if it does not, undefined when /proc
 * cannot tell (not Linux, or the process's fds are not readable): callers then trust other signs.
 */
export async function pidListensOn(pid: number, port: number): Promise<boolean | undefined> {
  if (process.platform !== 'linux') return undefined;
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((p) => readFile(p, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return undefined;
  const wanted = new Set(tables.flatMap((t) => (t === undefined ? [] : listeningInodes(t, port))));
  if (wanted.size === 0) return false;
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch (e) {
    // No such process: it cannot be listening. Anything else (e.g. hidepid): we cannot tell.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
  for (const fd of fds) {
    const inode = socketInode(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
    if (inode !== undefined && wanted.has(inode)) return true;
  }
  return false;
}
