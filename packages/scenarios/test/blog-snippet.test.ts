import { describe, expect, test } from 'vitest';
import { defineScenario, simulatedWebSocket, startRun } from '../src/index.js';

// The blog's browser client, as published except for the URL and its one bug (`so.readyState` for
// `ws.readyState`), run unchanged against the simulated chat server.
const BLOG_CLIENT = `
var ws = new WebSocket("ws://10.0.0.2:17122");
ws.onopen=function(){
  if(ws.readyState==1){
    ws.send('type=add&ming='+n);
  }
}
ws.onerror = function(){
  console.log("error");
};
ws.onmessage = function (msg){
  console.log(msg);
}
ws.onclose = function(){
  ws = false;
}
`;

const chatServer = defineScenario({
  name: 'blog-snippet',
  link: { delay: '5ms' },
  endpoints: { client: {}, server: { app: 'chat' } },
});

function runSnippet(source: string) {
  const live = startRun(chatServer);
  const client = live.sim.hosts.find((h) => h.name === 'client');
  if (client === undefined) throw new Error('no client host');
  const WebSocket = simulatedWebSocket(live.sim, client, live.random('blog-snippet'));
  const logged: unknown[] = [];
  const console = { log: (value: unknown) => logged.push(value) };
  new Function('WebSocket', 'n', 'console', source)(WebSocket, 'Muxer', console);
  const run = live.finish();
  return { run, logged };
}

describe("the blog's browser snippet over simulated TCP", () => {
  test('RFC 6455 4.1 + 5: it opens, sends type=add&ming=Muxer, and receives the JSON greeting with 你好', () => {
    const { run, logged } = runSnippet(BLOG_CLIENT);
    expect(run.received.get('server')).toEqual(['type=add&ming=Muxer']);
    expect(logged).toHaveLength(1);
    const message = logged[0] as { data: string };
    expect(JSON.parse(message.data)).toEqual({
      type: 'welcome',
      ming: 'Muxer',
      Muxer: '你好',
      users: ['Muxer'],
    });
    const frames = run.trace.filter(
      (e) => e.type === 'ws.frame' && e.direction === 'received' && e.endpoint === 'server',
    );
    expect(frames.every((f) => f.type === 'ws.frame' && f.masked)).toBe(true);
  });
});
