/**
 * The page `GET /` serves: the blog's browser client, corrected. The blog tested `so.readyState` where
 * it meant `ws.readyState`; this one checks `ws.readyState === WebSocket.OPEN` before sending, connects
 * to the address the page came from (not a hard-coded port), URL-encodes the name it joins with, and
 * shows every message, error and the close code instead of failing silently.
 */

export function renderClientPage(mode: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>synack serve (${mode})</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; }
#log { font-family: ui-monospace, monospace; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>synack serve <small>mode: ${mode}</small></h1>
<p id="state">readyState: CONNECTING</p>
<form id="say"><input id="text" size="40" autocomplete="off"> <button>send</button></form>
<p><button id="close" type="button">close (1000)</button></p>
<ol id="log"></ol>
<script>
'use strict';
const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const logList = document.getElementById('log');
function log(line) {
  const item = document.createElement('li');
  item.textContent = line;
  logList.append(item);
}
function showState() {
  document.getElementById('state').textContent = 'readyState: ' + STATES[ws.readyState];
}
// The name to join with: ?ming=NAME, like the blog's prompt; "Muxer" otherwise.
const ming = new URLSearchParams(location.search).get('ming') || 'Muxer';
const ws = new WebSocket('ws://' + location.host + '/');
ws.onopen = () => {
  showState();
  log('open');
  // The blog's check, on the right variable: send only on an OPEN socket (readyState 1).
  if (ws.readyState === WebSocket.OPEN) ws.send('type=add&ming=' + encodeURIComponent(ming));
};
ws.onmessage = (event) => log('< ' + event.data);
ws.onerror = () => log('error');
ws.onclose = (event) => {
  showState();
  log('close ' + event.code + (event.reason ? ' ' + event.reason : '') + (event.wasClean ? ' clean' : ''));
};
document.getElementById('say').onsubmit = (event) => {
  event.preventDefault();
  const input = document.getElementById('text');
  if (ws.readyState === WebSocket.OPEN && input.value !== '') {
    ws.send(input.value);
    log('> ' + input.value);
    input.value = '';
  }
};
document.getElementById('close').onclick = () => ws.close(1000, 'closed from the page');
</script>
</body>
</html>
`;
}
