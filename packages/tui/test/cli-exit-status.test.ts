/**
 * The command line as a user meets it: exit statuses (0 passed, 1 an expectation failed, 2 a usage or
 * scenario mistake, 3 an internal error), messages without stack traces, paths from the user's folder,
 * flag mistakes with "did you mean", and bounded input.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../src/cli/commands.js';
import { COMMANDS } from '../src/cli/commands.js';
import type { CliIo } from '../src/cli/io.js';
import { EXIT, main } from '../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'synack-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], opts: { tty?: boolean; env?: Record<string, string>; cwd?: string } = {}) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (c) => (out += typeof c === 'string' ? c : ''), isTTY: opts.tty ?? false, columns: 100 },
    stderr: { write: (c) => (err += String(c)) },
    env: opts.env ?? {},
    cwd: opts.cwd ?? dir,
  };
  return { code: await main(argv, io), out, err };
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('exit status 2: mistakes in what the user gave, one message each, no stack trace', () => {
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  it.each([
    [
      'a directory given as the scenario',
      () => {
        mkdirSync(join(dir, 'adir'), { recursive: true });
        return 'adir';
      },
      /'adir' is a directory/,
    ],
    [
      'an address that is not IPv4',
      () => file('addr.yaml', 'name: a\nendpoints:\n  client: { address: 999.1.1.1 }\n  server: {}\n'),
      /^addr\.yaml:3:22: endpoint 'client': address must be an IPv4 address/m,
    ],
    [
      'two endpoints with one address',
      () =>
        file(
          'dup.yaml',
          'name: d\nendpoints:\n  client: { address: 10.0.0.5 }\n  server: { address: 10.0.0.5 }\n',
        ),
      /^dup\.yaml:4:3: endpoint 'server' has the address 10\.0\.0\.5 of endpoint 'client'/m,
    ],
    ['a missing file or name', () => 'nope.yaml', /'nope\.yaml' is neither a built-in scenario nor a file/],
  ])('%s', async (_what, make, message) => {
    const r = await cli(['run', make()]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    noStack(r.err);
  });

  it.each([
    [
      'a folder that does not exist',
      'missing/out.pcap',
      /cannot write 'missing\/out\.pcap': its folder does not exist/,
    ],
    ['a directory', '.', /cannot write '\.': it is a directory/],
  ])('-o into %s', async (_what, out, message) => {
    const r = await cli(['export', 'blog-chat', '--format', 'jsonl', '-o', out]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    noStack(r.err);
  });

  it('a scenario whose expectation fails is 1, not 2', async () => {
    writeFileSync(
      join(dir, 'f.yaml'),
      'name: f\ntimeline:\n  - open: client\nexpect:\n  - state: { client.tcp: LISTEN }\n',
    );
    expect((await cli(['run', 'f.yaml'])).code).toBe(EXIT.failed);
  });
});

describe('exit status 3: an internal error is one line and a hint', () => {
  const broken: Command = {
    name: 'list',
    summary: 'throws',
    usage: 'synack list',
    options: {},
    async run() {
      throw new TypeError('something impossible\nsecond line');
    },
  };
  it('prints the message and a hint, no stack trace; SYNACK_DEBUG=1 adds the stack', async () => {
    let err = '';
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (c) => (err += String(c)) },
      env: {},
      cwd: dir,
    };
    expect(await main(['list'], io, [broken])).toBe(EXIT.internal);
    expect(err.split('\n').filter(Boolean)).toEqual([
      'synack list: internal error: something impossible',
      expect.stringContaining('SYNACK_DEBUG=1'),
    ]);
    err = '';
    expect(await main(['list'], { ...io, env: { SYNACK_DEBUG: '1' } }, [broken])).toBe(EXIT.internal);
    expect(err).toMatch(/^\s+at /m);
  });
});

describe("paths are the user's, from the folder the command ran in", () => {
  it('a relative scenario path and -o FILE are taken from io.cwd', async () => {
    const mine = mkdtempSync(join(tmpdir(), 'synack-mine-'));
    writeFileSync(join(mine, 's1.yaml'), 'name: s1\ntimeline:\n  - open: client\n  - wait: 1s\n');
    expect((await cli(['run', 's1.yaml'], { cwd: mine })).code).toBe(0);
    expect(
      (await cli(['export', 's1.yaml', '--format', 'jsonl', '-o', 'out.jsonl'], { cwd: mine })).code,
    ).toBe(0);
    expect(readFileSync(join(mine, 'out.jsonl'), 'utf8')).toMatch(/^\{"type"/);
    rmSync(mine, { recursive: true, force: true });
  });
});

describe('flags and arguments', () => {
  it.each([
    [['lsit'], /unknown command 'lsit' \(did you mean 'list'\?\)/],
    [['run', 'blog-chat', '--sed', '3'], /^synack run: unknown option '--sed' \(did you mean '--seed'\?\)$/m],
    [['list', '--bogus'], /^synack list: unknown option '--bogus'$/m],
    [['run', 'blog-chat', '--seed', '-1'], /--seed wants a whole number from 0 to 4294967295, not '-1'/],
    [['run', 'blog-chat', '--seed'], /--seed needs a value/],
    [['list', '--json=yes'], /--json takes no value/],
    [['list', 'extra'], /unexpected argument 'extra'/],
    [['play', 'blog-chat', 'lost-syn'], /unexpected argument 'lost-syn'/],
    [['export', 'blog-chat', 'lost-syn', '--format', 'text'], /unexpected argument 'lost-syn'/],
    [['profile', 'rfc', 'linux'], /unexpected argument 'linux'/],
  ])('%j: a clean usage error, exit 2', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    // No advice about `--` with an unbalanced quote, as util.parseArgs gives.
    expect(r.err).not.toContain('place it at the end');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const r = await cli(['--version']);
    expect(r).toMatchObject({ code: 0, out: `synack ${version}\n` });
  });

  it('TERM=dumb turns colour off, as NO_COLOR does', async () => {
    expect((await cli(['run', 'blog-chat'], { tty: true, env: { TERM: 'xterm' } })).out).toContain('\u001b[');
    expect((await cli(['run', 'blog-chat'], { tty: true, env: { TERM: 'dumb' } })).out).not.toContain(
      '\u001b[',
    );
  });

  it('every command in the table answers --help with exit 0', async () => {
    for (const c of COMMANDS) expect((await cli([c.name, '--help'])).code).toBe(0);
  });
});

describe('input limits: bounded time and memory, an error with a place', () => {
  it('a file over 1 MiB is refused before it is parsed', async () => {
    writeFileSync(join(dir, 'big.yaml'), `name: big\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const r = await cli(['run', 'big.yaml']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/^big\.yaml:1:1: the file is 2\.0 MiB; a scenario file may be at most 1 MiB/m);
  });

  it('bytes that are not UTF-8 are reported at their line and column', async () => {
    const bytes = Buffer.concat([Buffer.from('name: u\ntitle: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    writeFileSync(join(dir, 'latin1.yaml'), bytes);
    const r = await cli(['run', 'latin1.yaml']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/^latin1\.yaml:2:11: byte 0xE9 is not UTF-8/m);
  });

  it.each([
    [
      'flow brackets',
      `name: deep\ntimeline: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      /^deep1\.yaml:2:\d+: nested more than 64/m,
    ],
    [
      'indentation',
      `name: deep\ntimeline:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}\n`,
      /^deep2\.yaml:\d+:\d+: indented \d+ columns/m,
    ],
  ])('deep nesting (%s) is a clear error, not a stack overflow', async (_what, text, message) => {
    const name = message.source.includes('deep1') ? 'deep1.yaml' : 'deep2.yaml';
    writeFileSync(join(dir, name), text);
    const r = await cli(['run', name]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('Maximum call stack');
  });
});
