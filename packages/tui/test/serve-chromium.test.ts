/**
 * `synack serve` against a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core through `executablePath`) loads the page from `GET /`, which joins the blog's chat;
 * then echo of text with 你好, a 70,000-byte string and a 200,000-byte binary message, and a clean close
 * with 1000 and a reason seen on both sides. Without Chromium the suite is skipped with a message,
 * except under CI, where it fails.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, HAVE_CHROMIUM } from '../../../test-support/chromium.js';
import { startTestServer, type TestServer, waitFor } from './serve-helpers.js';

describe.skipIf(!HAVE_CHROMIUM)('headless Chromium against synack serve', () => {
  let browser: Browser;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    // launch() gives each run a fresh temporary profile (its own --user-data-dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 30_000,
    });
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.handle.stop('test', 500);
  });

  async function serve(mode: 'echo' | 'chat'): Promise<{ server: TestServer; page: Page }> {
    const server = await startTestServer({ mode });
    servers.push(server);
    const page = await browser.newPage();
    return { server, page };
  }

  const logLines = (page: Page) => page.locator('#log li').allTextContents();

  it('the page from GET / opens (readyState OPEN), sends type=add&ming=..., and gets the welcome', async () => {
    const { server, page } = await serve('chat');
    await page.goto(`http://127.0.0.1:${server.port}/?ming=Muxer`);
    await page.locator('#log li', { hasText: '"welcome"' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#state').textContent()).toBe('readyState: OPEN');
    const welcome = (await logLines(page)).find((l) => l.includes('"welcome"')) ?? '';
    expect(JSON.parse(welcome.slice(2))).toEqual({
      type: 'welcome',
      ming: 'Muxer',
      Muxer: '你好',
      users: ['Muxer'],
    });
    expect(server.logs.find((l) => l.event === 'http')).toMatchObject({ path: '/?ming=Muxer', status: 200 });

    // Typing a line broadcasts it back with the sender's name.
    await page.locator('#text').fill('你好, everyone');
    await page.locator('#say button').click();
    await page.locator('#log li', { hasText: '"from":"Muxer"' }).waitFor({ timeout: 10_000 });

    // The page's close button: 1000 with a reason, clean on both sides.
    await page.locator('#close').click();
    await page.locator('#log li', { hasText: 'close 1000' }).waitFor({ timeout: 10_000 });
    // The server's answering Close echoes the code only (RFC 6455 5.5.1: "typically echoing the status
    // code it received"), so the page's close event carries 1000 and no reason; the server logs ours.
    expect((await logLines(page)).at(-1)).toBe('close 1000 clean');
    await waitFor(() => server.logs.some((l) => l.event === 'close'), 'close log');
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({
      code: 1000,
      reason: 'closed from the page',
      by: 'peer',
      wasClean: true,
    });
    await page.close();
    await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
  }, 40_000);

  it('RFC 6455 7.4.1: shutdown closes the page with 1001 and its reason, cleanly', async () => {
    const { server, page } = await serve('echo');
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.locator('#log li', { hasText: '< type=add&ming=Muxer' }).waitFor({ timeout: 10_000 });
    await server.handle.stop('SIGTERM');
    await page.locator('#log li', { hasText: 'close 1001' }).waitFor({ timeout: 10_000 });
    expect((await logLines(page)).at(-1)).toBe('close 1001 server shutting down clean');
    expect(await page.locator('#state').textContent()).toBe('readyState: CLOSED');
    expect(server.handle.socketCount).toBe(0);
    await page.close();
  }, 40_000);

  it('RFC 6455 5.6: echo of 你好, a 70,000-byte string and a 200,000-byte binary; close 1000 with a reason', async () => {
    const { server, page } = await serve('echo');
    await page.goto(`http://127.0.0.1:${server.port}/`);
    const result = await page.evaluate(async (host) => {
      const ws = new WebSocket(`ws://${host}/echo`);
      ws.binaryType = 'arraybuffer';
      const next = () =>
        new Promise<string | ArrayBuffer>((resolve) => {
          ws.onmessage = (event) => resolve(event.data);
        });
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      const hello = '{"Muxer":"你好"}';
      let reply = next();
      ws.send(hello);
      const helloBack = (await reply) === hello;

      const long = `${'你好'.repeat(10_000)}${'x'.repeat(10_000)}`; // 60,000 + 10,000 UTF-8 bytes
      const longBytes = new TextEncoder().encode(long).length;
      reply = next();
      ws.send(long);
      const longBack = (await reply) === long;

      const binary = new Uint8Array(200_000);
      for (let i = 0; i < binary.length; i++) binary[i] = (i * 31 + 7) & 0xff;
      reply = next();
      ws.send(binary);
      const back = new Uint8Array((await reply) as ArrayBuffer);
      const binaryBack = back.length === binary.length && back.every((b, i) => b === binary[i]);

      const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
        ws.onclose = (event) => resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
      ws.close(1000, 'done: 你好');
      return { helloBack, longBytes, longBack, binaryBack, close: await closed };
    }, `127.0.0.1:${server.port}`);
    expect(result).toEqual({
      helloBack: true,
      longBytes: 70_000,
      longBack: true,
      binaryBack: true,
      close: { code: 1000, reason: '', wasClean: true },
    });
    await waitFor(() => server.logs.some((l) => l.event === 'close' && l.id === 2), 'close log');
    expect(server.logs.find((l) => l.event === 'close' && l.id === 2)).toMatchObject({
      code: 1000,
      reason: 'done: 你好',
      by: 'peer',
      messagesIn: 3,
      messagesOut: 3,
    });
    await page.close();
    await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
  }, 40_000);
});
