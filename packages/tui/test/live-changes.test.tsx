/**
 * Live changes on a real session (issue: interventions rewrote what was on screen): the frame up to the
 * cursor stays, and a change the run cannot carry out is refused with its reason.
 */
import { createSession, loadScenario } from '@synack/scenarios';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/app.js';
import type { PlaybackSession } from '../src/model.js';
import { en } from '../src/narration/en.js';
import { FakeClock, flush } from './ui-driver.js';

let app: ReturnType<typeof render> | undefined;
afterEach(() => {
  app?.unmount();
  app = undefined;
});

async function start(name: string) {
  const open = (n: string, seed: number | undefined): PlaybackSession =>
    createSession(loadScenario(n), seed === undefined ? {} : { seed });
  app = render(
    <App
      scenarios={[{ name, title: name }]}
      open={open}
      scenario={name}
      strings={en}
      columns={120}
      rows={40}
      autoplay={false}
      clock={new FakeClock()}
    />,
  );
  await flush();
  return app;
}

async function press(...keys: string[]) {
  for (const k of keys) {
    app?.stdin.write(k);
    await flush();
  }
  return app?.lastFrame() ?? '';
}

describe('interventions from the keys happen after the event at the cursor', () => {
  it('m while the client is CONNECTING is refused with the reason; nothing is recorded', async () => {
    const session = createSession(loadScenario('echo-open-close'));
    const handshake = session.trace.findIndex(
      (e) => e.type === 'ws.handshake' && e.endpoint === 'client' && e.direction === 'sent',
    );
    await start('echo-open-close');
    const before = await press(`${handshake + 1}G`);
    expect(before).toContain(`event ${handshake + 1}/`);
    const after = await press('m');
    expect(after).toContain("not done: client's WebSocket is CONNECTING, not OPEN");
    expect(after).not.toContain('[1]');
    // The screen above the footer is what it was.
    expect(after.split('\n').slice(0, -1)).toEqual(before.split('\n').slice(0, -1));
  });

  it('blog-chat: d with an ACK on screen leaves every drawn row as it was', async () => {
    await start('blog-chat');
    const before = await press('17l');
    const after = await press('d');
    expect(after).toContain('the next segment will be dropped');
    const rows = (f: string) => f.split('\n').filter((l) => /seq=/.test(l));
    expect(rows(after)).toEqual(rows(before));
    expect(after).not.toContain('LOST');
  });

  it('u undoes the last change: the run is the one before it', async () => {
    await start('blog-chat');
    const before = await press('17l');
    await press('d');
    const undone = await press('u');
    expect(undone).toContain('the last change is undone');
    expect(undone.split('\n').slice(0, -1)).toEqual(before.split('\n').slice(0, -1));
  });
});
