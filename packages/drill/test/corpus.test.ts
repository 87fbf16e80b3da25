/**
 * The public packetdrill corpora, run unmodified when a local copy exists. They are never copied
 * into this repository: set SYNACK_DRILL_CORPORA to a directory holding `tcp-testsuite/` (github
 * freebsd-net/tcp-testsuite) and `packetdrill/` (github google/packetdrill). Without it the test is
 * skipped with a message. The measured numbers are in the package README.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DrillProfile, runDrillSource, summarize } from '../src/index.js';

const root = process.env.SYNACK_DRILL_CORPORA;
const have =
  root !== undefined && existsSync(join(root, 'tcp-testsuite')) && existsSync(join(root, 'packetdrill'));
if (!have)
  console.log(
    'corpus.test.ts: skipped (set SYNACK_DRILL_CORPORA to a directory with tcp-testsuite/ and packetdrill/)',
  );

function scripts(dir: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...scripts(p, filter));
    else if (name.endsWith('.pkt') && filter(name)) out.push(p);
  }
  return out;
}

function run(files: readonly string[], profile: DrillProfile) {
  return files.map((f) => runDrillSource(f, readFileSync(f, 'utf8'), { profile }));
}

describe.skipIf(!have)('public corpora, unmodified', () => {
  it('FreeBSD tcp-testsuite (state-event-engine, snd-syn, rcv-data-segments; IPv4) with --profile freebsd: every script gives an outcome; the pass rate among supported scripts holds', () => {
    const files = ['state-event-engine', 'snd-syn', 'rcv-data-segments'].flatMap((d) =>
      scripts(join(root!, 'tcp-testsuite', d), (n) => !n.includes('ipv6')),
    );
    const s = summarize(run(files, 'freebsd'));
    expect(s.passed + s.failed + s.unsupported).toBe(files.length);
    expect(s.passed / (s.passed + s.failed)).toBeGreaterThanOrEqual(MIN_FREEBSD_PASS_RATE);
  }, 300_000);

  it.each(LINUX_DIRS)(
    'Linux gtests/net/tcp/%s with --profile linux: every script gives an outcome',
    (d) => {
      const files = scripts(join(root!, 'packetdrill', 'gtests', 'net', 'tcp', d));
      const results = run(files, 'linux');
      expect(results).toHaveLength(files.length);
    },
    60_000,
  );
});

/** The floor the runner and the freebsd profile reach now (the README has the measured rate). */
const MIN_FREEBSD_PASS_RATE = 0.3;
const LINUX_DIRS = [
  'close',
  'shutdown',
  'blocking',
  'nagle',
  'mss',
  'validate',
  'user_timeout',
  'fast_retransmit',
];
