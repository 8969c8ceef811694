// JSON-lines logger for stderr: one object per line with `level`, `msg` and fields.
// Secrets registered with `redact` are replaced wherever they appear in a line.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Shortest secret we redact: shorter strings would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Registers a secret value: it never appears in any later log line. */
  redact(secret: string | undefined): void;
  /** Redacts registered secrets from arbitrary text (error messages bound for any output). */
  scrub(text: string): string;
  enabled(level: Level): boolean;
}

export function parseLevel(s: string | undefined): Level {
  const v = (s ?? '').toLowerCase();
  if (v === 'debug' || v === 'trace') return 'debug';
  if (v === 'warn' || v === 'warning') return 'warn';
  if (v === 'error' || v === 'fatal') return 'error';
  return 'info';
}

export function createLogger(write: (line: string) => void, level: Level = 'info', now: () => Date = () => new Date()): Logger {
  const secrets = new Set<string>();
  const min = LEVELS[level];
  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out;
  };
  const emit = (lvl: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[lvl] < min) return;
    const rec: Record<string, unknown> = { ts: now().toISOString(), level: lvl, msg };
    if (fields) for (const [k, v] of Object.entries(fields)) if (k !== 'level' && k !== 'msg' && k !== 'ts') rec[k] = v;
    let line: string;
    try {
      line = JSON.stringify(rec, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v));
    } catch {
      line = JSON.stringify({ ts: rec.ts, level: lvl, msg });
    }
    write(scrub(line) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    redact(secret) {
      if (secret && secret.length >= MIN_SECRET_LENGTH) {
        secrets.add(secret);
        // JSON escaping could spell the secret differently inside a line; redact that form too.
        const escaped = JSON.stringify(secret).slice(1, -1);
        if (escaped !== secret) secrets.add(escaped);
      }
    },
    scrub,
    enabled: (l) => LEVELS[l] >= min,
  };
}
