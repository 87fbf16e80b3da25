// `synack serve`: the real WebSocket server (echo | chat) with its page, limits, liveness and logs.
export type { LogSink, ServeLogEntry, TimedLogEntry } from './log.js';
export { formatJsonLine, formatTextLine } from './log.js';
export { renderClientPage } from './page.js';
export type { ServeHandle, ServeMode, ServeOptions } from './server.js';
export { answerHttp, SERVE_MODES, startServer } from './server.js';
