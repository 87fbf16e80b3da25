/**
 * `synack serve` and permessage-deflate (RFC 7692): accepted by default, refused with --no-deflate; a
 * `ws` client (which offers it by default) agrees accordingly, and the open log line says so.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { parseServeOptions } from '../src/commands/serve.js';
import { formatTextLine } from '../src/serve/index.js';
import { startTestServer, type TestServer, waitFor } from './serve-helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.handle.stop('test', 500);
});

describe('synack serve: permessage-deflate', () => {
  it('--no-deflate sets perMessageDeflate false; without it the option is left to the default (on)', () => {
    expect(parseServeOptions({ values: { 'no-deflate': true }, positionals: [] })).toEqual({
      perMessageDeflate: false,
    });
    expect(parseServeOptions({ values: {}, positionals: [] })).toEqual({});
  });

  it.each([
    ['by default the offer is accepted and logged', undefined, 'permessage-deflate'],
    ['with --no-deflate it is refused', false, ''],
  ])('%s', async (_why, perMessageDeflate, agreed) => {
    const server = await startTestServer(perMessageDeflate === undefined ? {} : { perMessageDeflate });
    servers.push(server);
    const client = new WsClient(`ws://127.0.0.1:${server.port}/`, { perMessageDeflate: { threshold: 0 } });
    await once(client, 'open');
    expect(client.extensions).toBe(agreed);
    const echoed = once(client, 'message');
    client.send('你好 '.repeat(1000));
    expect(String((await echoed)[0])).toBe('你好 '.repeat(1000));
    await waitFor(() => server.logs.some((l) => l.event === 'open'), 'open log');
    const open = server.logs.find((l) => l.event === 'open')!;
    expect(open.event === 'open' && open.extensions).toBe(agreed === '' ? undefined : agreed);
    expect(formatTextLine(open).includes('extensions="permessage-deflate"')).toBe(agreed !== '');
    client.close(1000);
    await once(client, 'close');
  });
});
