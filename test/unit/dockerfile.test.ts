// There is no Docker engine on the development machine, so the Dockerfile is checked by reading
// it: what Flow needs from the image (labels, entrypoint, base) and what `docker build` needs
// from the repository (every COPY source present and not excluded by .dockerignore).

import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE_IMAGE = 'node:24-slim';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#') || (buf === '' && line === '')) return;
    if (buf === '') start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^(\S+)\s*(.*)$/.exec(buf.trim());
    if (m) out.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start });
    buf = '';
  });
  return out;
}

function stages(instructions: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      out.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      out.at(-1)?.instructions.push(ins);
    }
  }
  return out;
}

/** Words of an instruction in exec (JSON array) or shell form. */
function words(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

function labels(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'LABEL')) {
    for (const m of ins.args.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      const value = m[2] as string;
      out[m[1] as string] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    }
  }
  return out;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const all = stages(dockerfile);
const runtime = all.at(-1);
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

t.test('parser sanity: continuations joined, comments dropped, stages split', async (t) => {
  const ins = parseDockerfile('# c\nFROM a AS b\nRUN x \\\n  # inner\n  && y\n\nfrom c\nlabel K="v w" J=z\n');
  t.same(
    ins.map((i) => [i.keyword, i.args, i.line]),
    [
      ['FROM', 'a AS b', 2],
      ['RUN', 'x  && y', 3],
      ['FROM', 'c', 7],
      ['LABEL', 'K="v w" J=z', 8],
    ],
  );
  const st = stages(ins);
  t.same(
    st.map((s) => [s.image, s.name]),
    [
      ['a', 'b'],
      ['c', undefined],
    ],
  );
  t.same(labels(st[1] as Stage), { K: 'v w', J: 'z' });
});

t.test('every stage builds on node:24-slim', async (t) => {
  t.ok(all.length >= 2, 'multi-stage');
  for (const s of all) t.equal(s.image, BASE_IMAGE, `stage ${s.name ?? '(final)'}`);
});

t.test('every COPY source exists in the repo and is not excluded by .dockerignore', async (t) => {
  const stageNames = new Set(all.map((s) => s.name).filter((n) => n !== undefined));
  const copies = dockerfile.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  t.ok(copies.length > 0);
  for (const ins of copies) {
    const w = words(ins.args);
    const from = w.find((x) => x.startsWith('--from='))?.slice('--from='.length);
    const paths = w.filter((x) => !x.startsWith('--'));
    t.ok(paths.length >= 2, `line ${ins.line}: sources and a destination`);
    if (from !== undefined) {
      t.ok(stageNames.has(from), `line ${ins.line}: --from=${from} names an earlier stage`);
      continue;
    }
    for (const src of paths.slice(0, -1)) {
      t.ok(existsSync(join(ROOT, src)), `line ${ins.line}: ${src} exists`);
      const top = src.replace(/^\.\//, '').split('/')[0];
      t.notOk(src !== '.' && ignored.includes(top as string), `line ${ins.line}: ${src} is not in .dockerignore`);
    }
  }
});

t.test('the runtime stage carries Flow labels, a non-root user and the entrypoint', async (t) => {
  t.ok(runtime);
  const stage = runtime as Stage;
  t.match(labels(stage), { FLOW_RUNTIME_PROTOCOL: 'capture', FLOW_RUNTIME_CODEC: 'json' });
  const user = stage.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  t.ok(user, 'a USER is set');
  t.notOk(['root', '0', 'root:root', '0:0'].includes(user ?? 'root'), `USER ${user} is not root`);
  const entry = stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  t.same(entry && JSON.parse(entry.args), ['node', 'dist/main.js'], 'ENTRYPOINT in exec form');
  const runs = stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  t.ok(
    runs.some((r) => /npm ci\b.*--omit=dev/.test(r)),
    'runtime installs production dependencies only',
  );
});

t.test('.dockerignore keeps local build output and caches out of the context', async (t) => {
  for (const entry of ['node_modules', 'dist', '.cache', '.tap']) t.ok(ignored.includes(entry), entry);
});
