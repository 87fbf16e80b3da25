/**
 * End to end: the real `synack` in a real terminal (tmux, 120x40), driven by keys as a person would,
 * checked by what the screen shows. `CI=false` because Ink prints only the last frame when CI is set.
 * A private tmux socket keeps this test away from anyone else's tmux sessions; it is killed afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOCKET = `synack-e2e-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', 'synack');

/** Polls the pane until `pattern` shows (bounded), then returns the screen. */
async function waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}; the screen was:\n${last}`);
}

/** Like waitFor, on another session of the same tmux server. */
async function waitForIn(session: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = tmux('capture-pane', '-p', '-t', session);
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}; the screen was:\n${last}`);
}

function keys(...k: string[]) {
  tmux('send-keys', '-t', 'synack', ...k);
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!hasTmux)('synack in a 120x40 terminal', () => {
  it('plays the blog handshake step by step, back, drop, help, picker, quit', {
    timeout: 90_000,
  }, async () => {
    const command =
      'CI=false node --conditions=source --import tsx packages/tui/src/cli.tsx --paused; echo synack-exited-$?; sleep 30';
    tmux('new-session', '-d', '-s', 'synack', '-x', '120', '-y', '40', '-c', ROOT, command);

    let s = await waitFor(/event 0\/\d+/);
    expect(s).toContain('blog-chat');
    expect(s).toContain('paused');
    expect(s).toMatch(/client 10\.0\.0\.1 +TCP CLOSED/);
    expect(s).toContain('passive OPEN');

    // next state change, then one step: the client enters SYN-SENT and its SYN leaves
    keys('s');
    s = await waitFor(/TCP SYN-SENT/);
    const at = Number(/event (\d+)\//.exec(s)?.[1]);
    keys('Right');
    s = await waitFor(new RegExp(`event ${at + 1}/`));
    // just sent, at t=0: the SYN is still at the client's side of the link
    expect(s).toMatch(/\|> +\| +SYN seq=0 len=0/);
    expect(s).toContain('client sends the first handshake segment');

    // back: one event earlier, the SYN not sent yet
    keys('Left');
    s = await waitFor(new RegExp(`event ${at}/`));
    expect(s).not.toContain('SYN seq=0');

    // help lists the keys; ? closes it again
    keys('?');
    s = await waitFor(/drop the next segment/);
    expect(s).toContain('restart with a new seed');
    keys('?');
    await waitFor(/passive OPEN/);

    // drop the next segment, then step: the SYN+ACK is lost on the way
    keys('d');
    await waitFor(/the next segment will be dropped/);
    for (let i = 0; i < 12 && !/LOST/.test(screen()); i++) {
      keys('Right');
      await new Promise((r) => setTimeout(r, 150));
    }
    s = await waitFor(/LOST/);
    expect(s).toMatch(/X[ -]*\| LOST/);

    // the picker lists the library; escape returns
    keys('o');
    s = await waitFor(/Open a scenario/);
    expect(s).toContain('lost-syn');
    keys('Escape');
    await waitFor(/passive OPEN/);

    keys('q');
    await waitFor(/synack-exited-0/);
  });

  it('keys in one read all count (tmux writes "lll" at once), a count steps ten, and a pipe on stdin still takes keys from the terminal', {
    timeout: 90_000,
  }, async () => {
    const command =
      'echo piped | CI=false node --conditions=source --import tsx packages/tui/src/cli.tsx --paused; echo synack-exited-$?; sleep 30';
    tmux('new-session', '-d', '-s', 'piped', '-x', '80', '-y', '24', '-c', ROOT, command);
    const on = (pattern: RegExp) => waitForIn('piped', pattern);
    let s = await on(/event 0\/\d+/);
    expect(s.split('\n')[0]?.trimEnd().endsWith('? help')).toBe(true);
    tmux('send-keys', '-t', 'piped', '-l', 'lll');
    s = await on(/event 3\//);
    tmux('send-keys', '-t', 'piped', '-l', '10l');
    s = await on(/event 13\//);
    tmux('send-keys', '-t', 'piped', 'q');
    await on(/synack-exited-0/);
  });

  // CI=false also turns chalk's colour off (supports-color treats any CI variable as "no colour"), so
  // colour is forced on here to show that NO_COLOR still wins over it.
  it('NO_COLOR wins: colour escapes with FORCE_COLOR=1, none once NO_COLOR is set', {
    timeout: 90_000,
  }, async () => {
    const esc = String.fromCharCode(27);
    const colours = new RegExp(`${esc}\\[[0-9;]*3[0-7]m|${esc}\\[9[0-7]m`);
    const start = async (name: string, env: string) => {
      const command = `${env} CI=false node --conditions=source --import tsx packages/tui/src/cli.tsx --paused; sleep 30`;
      tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', '-c', ROOT, command);
      const until = Date.now() + 30_000;
      let escaped = '';
      while (Date.now() < until && !escaped.includes('event 0/')) {
        await new Promise((r) => setTimeout(r, 100));
        escaped = tmux('capture-pane', '-p', '-e', '-t', name);
      }
      tmux('send-keys', '-t', name, 'q');
      return escaped;
    };
    const coloured = await start('colour', 'FORCE_COLOR=1');
    const plain = await start('nocolor', 'FORCE_COLOR=1 NO_COLOR=1');
    expect(coloured).toContain('event 0/');
    expect(plain).toContain('event 0/');
    expect(coloured).toMatch(colours);
    expect(plain).not.toMatch(colours);
  });
});
