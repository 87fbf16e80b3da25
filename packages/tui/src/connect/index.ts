// `synack connect`: the line-oriented WebSocket client.
export type { ClientEvent, ClientOptions, ClientOutcome, ConnectIo } from './client.js';
export { formatClientEvent, hexPreview, runClient } from './client.js';
