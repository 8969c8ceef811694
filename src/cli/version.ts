// The package's version, for --version: read from package.json next to dist/ (and src/), the
// one place it is written, so a release cannot print a stale one.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
