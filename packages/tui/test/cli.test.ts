import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'synack-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  let out = '';
  let err = '';
  const chunks: Uint8Array[] = [];
  const io: CliIo = {
    stdout: {
      write: (c) => {
        if (typeof c === 'string') out += c;
        else chunks.push(c);
      },
      isTTY: opts.tty ?? false,
      columns: 100,
    },
    stderr: { write: (c) => (err += String(c)) },
    env: opts.env ?? {},
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, out, err, chunks };
}

describe('synack help and usage', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['play', 'list', 'run', 'export']) expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(['play', 'list', 'run', 'export'])('%s --help prints its usage and exits 0', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`synack ${name}`);
  });

  it.each([
    [['frob'], /unknown command 'frob'/],
    [['play', '--seed', 'abc'], /--seed wants a whole number/],
    [['play', '--lang', 'fr'], /--lang wants 'en' or 'zh'/],
    [['list', '--bogus'], /unknown option '--bogus'/],
    [['export', 'blog-chat', '--format', 'png'], /--format must be one of pcap, jsonl, mermaid, text/],
    [['run'], /run needs at least one scenario/],
  ])('%j is a usage error: message, exit 2', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('synack list', () => {
  it('prints one line per built-in scenario, blog-chat among them', async () => {
    const r = await cli(['list']);
    expect(r.out).toMatch(/^blog-chat +The blog's chat exchange$/m);
  });

  it('--json is an array of {name, title, description}', async () => {
    const list = JSON.parse((await cli(['list', '--json'])).out) as { name: string; title: string }[];
    expect(list.find((s) => s.name === 'blog-chat')?.title).toBe("The blog's chat exchange");
  });
});

describe('synack play when stdout is not a terminal', () => {
  it('prints the text ladder of the whole run and exits 0', async () => {
    const r = await cli(['play']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/SYN seq=0/);
    expect(r.out).toMatch(/SYN,ACK seq=0 ack=1/);
  });

  it('--lang zh (or a zh locale) prints the ladder with Chinese words around the protocol names', async () => {
    for (const r of [
      await cli(['play', '--lang', 'zh']),
      await cli(['play'], { env: { LANG: 'zh_CN.UTF-8' } }),
    ]) {
      expect(r.code).toBe(0);
      expect(r.out.startsWith('时间 (ms)')).toBe(true);
      expect(r.out).toMatch(/SYN,ACK seq=0 ack=1/);
    }
    expect((await cli(['play', '--lang', 'en'], { env: { LANG: 'zh_CN.UTF-8' } })).out).toMatch(
      /^time \(ms\)/,
    );
  });

  it('a bad scenario file prints file:line:col: message, no stack trace, exit 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\ntimelin: []\n');
    const r = await cli(['play', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:1: `, 'm'));
    expect(r.err).toContain("did you mean 'timeline'");
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  it('an unknown scenario name suggests the nearest built-in one', async () => {
    const r = await cli(['play', 'blog-chatt']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("did you mean 'blog-chat'");
  });
});

describe('synack run', () => {
  it('blog-chat passes: report lines and exit 0', async () => {
    const r = await cli(['run', 'blog-chat']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS blog-chat \(seed 17122/);
  });

  it('a failing expectation exits 1 and names where it was written', async () => {
    const file = join(dir, 'fails.yaml');
    writeFileSync(
      file,
      'name: fails\ntimeline:\n  - open: { by: client }\nexpect:\n  - state: { client.tcp: LISTEN }\n',
    );
    const r = await cli(['run', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL/);
    expect(r.out).toContain(`${file}:5:5`);
  });

  it('--json is machine-readable, and --seed changes the seed', async () => {
    const [report] = JSON.parse((await cli(['run', 'blog-chat', '--json', '--seed', '5'])).out) as {
      seed: number;
      passed: boolean;
    }[];
    expect(report).toMatchObject({ seed: 5, passed: true });
  });

  it('colour: on for a terminal, off with NO_COLOR (no-color.org)', async () => {
    expect((await cli(['run', 'blog-chat'], { tty: true })).out).toContain('\u001b[');
    expect((await cli(['run', 'blog-chat'], { tty: true, env: { NO_COLOR: '1' } })).out).not.toContain(
      '\u001b[',
    );
    expect((await cli(['run', 'blog-chat'])).out).not.toContain('\u001b[');
  });
});

describe('synack export', () => {
  it('jsonl: one JSON trace event per line', async () => {
    const r = await cli(['export', 'blog-chat', '--format', 'jsonl']);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('type');
  });

  it('pcap -o FILE writes a capture with the pcap magic number', async () => {
    const r = await cli(['export', 'blog-chat', '--format', 'pcap', '-o', 'out.pcap']);
    expect(r.code).toBe(0);
    const bytes = readFileSync(join(dir, 'out.pcap'));
    expect([...bytes.subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it('pcap to a terminal is refused (binary)', async () => {
    const r = await cli(['export', 'blog-chat', '--format', 'pcap'], { tty: true });
    expect(r.code).toBe(2);
    expect(r.err).toContain('pcap is binary');
  });

  it('mermaid and text', async () => {
    expect((await cli(['export', 'blog-chat', '--format', 'mermaid'])).out).toMatch(/^sequenceDiagram/);
    expect((await cli(['export', 'blog-chat', '--format', 'text', '--width', '80'])).out).toMatch(
      /SYN seq=0/,
    );
    const zh = (await cli(['export', 'blog-chat', '--format', 'text', '--lang', 'zh'])).out;
    expect(zh.startsWith('时间 (ms)')).toBe(true);
  });
});

describe('synack profile', () => {
  it('prints a named profile as a profile: block that a scenario file accepts', async () => {
    const r = await cli(['profile', 'linux']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^profile:\n {2}base: linux\n/);
    expect(r.out).toContain('  msl: 30s\n');
    expect(r.out).toContain('  rtoMin: 200ms\n');
    const file = join(dir, 'with-profile.yaml');
    writeFileSync(file, `name: p\n${r.out}timeline:\n  - wait: 1ms\n`);
    expect((await cli(['run', file])).code).toBe(0);
  });

  it('--json gives the base, the overridden fields and every value in ms', async () => {
    const view = JSON.parse((await cli(['profile', 'linux', '--json'])).out) as {
      base: string;
      overridden: string[];
      values: Record<string, unknown>;
    };
    expect(view).toMatchObject({ base: 'linux', overridden: [], values: { msl: 30_000, rtoMin: 200 } });
  });

  it("a scenario's profile shows its own overrides marked", async () => {
    const file = join(dir, 'short-msl.yaml');
    writeFileSync(file, 'name: m\nprofile: { base: linux, msl: 5s }\ntimeline:\n  - wait: 1ms\n');
    const r = await cli(['profile', file]);
    expect(r.out).toContain('  msl: 5s  # set by the scenario\n');
    expect(r.out).toContain('  base: linux\n');
  });
});
