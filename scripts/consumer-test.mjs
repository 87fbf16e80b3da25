#!/usr/bin/env node
// The packages as a user gets them: packs every workspace package (`pnpm pack`, whose prepack builds
// dist/), installs the tarballs with npm into a fresh project in a temporary folder outside the
// workspace, and there
//   - type-checks with `tsc --noEmit --strict` and runs the TypeScript examples of the tcp-sim, ws-frame
//     and scenarios READMEs (extracted from the READMEs, not copied), and a vitest file using the
//     matchers, with vitest 4 and again with vitest 3.2 (the range the scenarios package declares);
//   - runs the installed `synack` bin: --version, list, run (built-in and the READMEs' scenario files),
//     export (pcap, jsonl), play with stdout not a terminal, and a usage mistake's exit status 2;
//   - checks that the bin carries the patched Ink output stage.
// Needs the npm registry (for vitest, typescript and the packages' own dependencies). `.ci/run` runs it.
// Usage: node scripts/consumer-test.mjs [--keep]   (--keep leaves the temporary folder for inspection)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asModule, asTest, readmeBlocks } from './readme-blocks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['ws-frame', 'tcp-sim', 'scenarios', 'tui'];
const EXAMPLES_FROM = ['tcp-sim', 'ws-frame', 'scenarios'];
const work = mkdtempSync(join(tmpdir(), 'synack-consumer-'));
const keep = process.argv.includes('--keep');
let failures = 0;

function sh(command, args, cwd, { allowFail = false, env = {} } = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0 && !allowFail) {
    console.error(`FAIL ${command} ${args.join(' ')} (in ${cwd}, ${took}s, status ${result.status})`);
    console.error(result.stdout, result.stderr);
    failures++;
  }
  return result;
}

function check(what, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || detail === '' ? '' : `\n${detail}`}`);
  if (!ok) failures++;
}

// 1. Pack. prepack builds each package's dist/ first.
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
for (const pkg of PACKAGES) {
  sh('npx', ['--yes', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], join(root, 'packages', pkg));
}
const tgz = readdirSync(tarballs).map((f) => join(tarballs, f));
check(`packed ${PACKAGES.length} tarballs`, tgz.length === PACKAGES.length, tgz.join('\n'));
for (const file of tgz) {
  const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' });
  check(`${file.split('/').pop()} has dist/index.js`, listing.includes('package/dist/index.js'));
}

// 2. A fresh project, with the tarballs and a test setup, installed by npm.
function project(name, vitest) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }, null, 2));
  sh(
    'npm',
    ['install', '--no-audit', '--no-fund', ...tgz, vitest, 'typescript@5.9.3', '@types/node@^20.19.0'],
    dir,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          types: ['node'],
          outDir: 'out',
          rootDir: '.',
        },
        include: ['src', 'test'],
      },
      null,
      2,
    ),
  );
  return dir;
}

const MATCHER_TEST = `import { defineScenario, runScenario } from '@synack/scenarios';
import { synackMatchers } from '@synack/scenarios/vitest';
import { expect, test } from 'vitest';

expect.extend(synackMatchers);

test('an installed package: defineScenario, runScenario and the matchers', () => {
  const run = runScenario(
    defineScenario({
      name: 'mine',
      timeline: [
        { open: 'client' },
        { when: { 'client.ws': 'OPEN' }, send: 'hi' },
        { wait: '1s' },
        { close: { by: 'client', code: 1000 } },
      ],
    }),
  );
  expect(run).toHaveExchanged(['client>server SYN seq=0', 'server>client SYN,ACK seq=0 ack=1']);
  expect(run).toHaveReceived('server', ['hi']);
  expect(run).toHaveClosedWith('client', 1000);
  expect(run).not.toHaveClosedWith('client', 1006);
  expect(run).toPassItsExpectations();
});
`;

const app = project('app', 'vitest@4.1.12');
writeFileSync(join(app, 'test', 'matchers.test.ts'), MATCHER_TEST);

// 3. The README examples, extracted: TypeScript blocks as modules (those using expect as vitest files),
// scenario blocks as files for the installed bin.
const programs = [];
const scenarios = [];
for (const pkg of EXAMPLES_FROM) {
  for (const block of readmeBlocks(join(root, 'packages', pkg, 'README.md'))) {
    if (block.listing) continue;
    const base = `readme-${pkg}-${block.line}`;
    if (block.lang === 'ts') {
      const code = asModule(block.code);
      if (code.includes("from 'vitest'")) {
        writeFileSync(
          join(app, 'test', `${base}.test.ts`),
          asTest(block.code, `README ${pkg}:${block.line}`),
        );
      } else {
        writeFileSync(join(app, 'src', `${base}.ts`), code);
        programs.push(base);
      }
    } else if (block.lang === 'yaml') {
      writeFileSync(join(app, `${base}.yaml`), block.code);
      scenarios.push(`${base}.yaml`);
    }
  }
}
check(
  `README examples extracted: ${programs.length} programs, ${scenarios.length} scenarios`,
  programs.length >= 3,
);

sh('npx', ['tsc', '--noEmit', '--strict', '-p', '.'], app);
check('tsc --noEmit --strict over the README examples and the matcher test', failures === 0);
sh('npx', ['tsc', '-p', '.'], app, { allowFail: true }); // emits JS for node (errors were reported above)
const exampleDir = mkdtempSync(join(work, 'run-'));
for (const base of programs) {
  const r = sh('node', [join(app, 'out', 'src', `${base}.js`)], exampleDir, { allowFail: true });
  check(`README example ${base} runs`, r.status === 0, `${r.stdout}\n${r.stderr}`);
}
const vitest = sh('npx', ['vitest', 'run', '--dir', 'test'], app, { allowFail: true });
check(
  'vitest 4 runs the matcher test and the README matcher block',
  vitest.status === 0,
  vitest.stdout + vitest.stderr,
);

// 4. The installed bin.
const bin = (args, opts = {}) =>
  sh('npx', ['--no-install', 'synack', ...args], app, { allowFail: true, ...opts });
const version = bin(['--version']);
check('synack --version', /^synack \d+\.\d+\.\d+/.test(version.stdout), version.stderr);
const list = bin(['list']);
check('synack list', /^blog-chat +The blog's chat exchange$/m.test(list.stdout), list.stderr);
const run = bin(['run', 'blog-chat', 'lost-syn', ...scenarios]);
check(`synack run blog-chat lost-syn ${scenarios.join(' ')}`, run.status === 0, run.stdout + run.stderr);
const pcap = bin(['export', 'blog-chat', '--format', 'pcap', '-o', 'blog-chat.pcap']);
const magic = pcap.status === 0 ? [...readFileSync(join(app, 'blog-chat.pcap')).subarray(0, 4)] : [];
check('synack export --format pcap -o FILE', magic.join() === [0xd4, 0xc3, 0xb2, 0xa1].join(), pcap.stderr);
const jsonl = bin(['export', 'lost-syn', '--format', 'jsonl']);
check('synack export --format jsonl', jsonl.status === 0 && /^\{"type"/.test(jsonl.stdout), jsonl.stderr);
const play = bin(['play', 'blog-chat']);
check(
  'synack play, stdout not a terminal: the text ladder',
  /SYN,ACK seq=0 ack=1/.test(play.stdout),
  play.stderr,
);
const usage = bin(['run']);
check('a usage mistake: exit 2', usage.status === 2, usage.stderr);
const binFile = readFileSync(join(app, 'node_modules', '@synack', 'tui', 'dist', 'bin', 'synack.js'), 'utf8');
check(
  'the bin carries the patched Ink output stage',
  binFile.includes('GenerationCache = class') && binFile.includes('sharedCaches'),
);

// 5. The vitest peer range's lower end: vitest 3.2 with the same tarballs (npm would say ERESOLVE).
const app3 = project('app-vitest3', 'vitest@~3.2.0');
writeFileSync(join(app3, 'test', 'matchers.test.ts'), MATCHER_TEST);
sh('npx', ['tsc', '--noEmit', '--strict', '-p', '.'], app3);
const v3 = sh('npx', ['vitest', 'run', '--dir', 'test'], app3, { allowFail: true });
check('vitest 3.2 runs the matcher test', v3.status === 0, v3.stdout + v3.stderr);

console.log(
  `\nconsumer test in ${work}: ${failures === 0 ? 'all passed' : `${failures} failure(s)`} (node ${process.version})`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
process.exit(failures === 0 ? 0 : 1);
