// Public API of @synack/ws-frame: RFC 6455, sans-I/O. The node:net adapter is `@synack/ws-frame/node`.
export type { ByteStream } from './byte-stream.js';
export type { ClosePayload } from './close.js';
export {
  CloseCode,
  encodeClosePayload,
  isValidWireCloseCode,
  MAX_CLOSE_REASON_BYTES,
  parseClosePayload,
} from './close.js';
export type {
  ConnectionState,
  FrameEventFields,
  ProtocolEvent,
  ReadyState,
  SendOptions,
  WebSocketProtocolOptions,
} from './connection.js';
export { WebSocketProtocol } from './connection.js';
export type { UsageErrorCode, WsErrorCode } from './errors.js';
export { ERROR_CLOSE_CODES, WebSocketError, WebSocketUsageError, wsError } from './errors.js';
export type { Listener } from './events.js';
export { WsCloseEvent, WsErrorEvent, WsEvent, WsMessageEvent } from './events.js';
export type {
  DeflateCodec,
  Deflater,
  DeflaterOptions,
  Inflater,
  InflateStatus,
} from './extensions/deflate-codec.js';
export type { ExtensionElement, ExtensionParam } from './extensions/extension-header.js';
export { formatExtension, parseExtensionHeader } from './extensions/extension-header.js';
export { pakoCodec } from './extensions/pako-codec.js';
export type {
  PerMessageDeflateOptions,
  PerMessageDeflateSessionOptions,
} from './extensions/permessage-deflate.js';
export {
  DEFAULT_OFFERS,
  DEFAULT_THRESHOLD,
  DEFLATE_TAIL,
  PerMessageDeflateSession,
  RSV1,
} from './extensions/permessage-deflate.js';
export type {
  DeflateAgreement,
  DeflateOfferOptions,
  OfferSelection,
} from './extensions/permessage-deflate-negotiation.js';
export {
  acceptResponse,
  agreementFromHeader,
  buildOffers,
  PERMESSAGE_DEFLATE,
  selectOffer,
} from './extensions/permessage-deflate-negotiation.js';
export type { EncodeOptions, Frame, FrameInput, RsvBits } from './frame.js';
export {
  encodeFrame,
  encodeFrameHeader,
  encodeFrameParts,
  headerLength,
  isControlOpcode,
  isKnownOpcode,
  OPCODE_NAMES,
  Opcode,
} from './frame.js';
export type { FrameHeader, FrameParserOptions, FrameSink } from './frame-parser.js';
export {
  concatBytes,
  DEFAULT_MAX_PAYLOAD,
  decodeFrames,
  FrameCollector,
  FrameParser,
} from './frame-parser.js';
export type {
  AcceptedResponse,
  ClientRequest,
  ClientRequestOptions,
  RequestDecision,
  ServerHandshakeOptions,
  ServerHandshakeResult,
} from './handshake.js';
export {
  acceptKey,
  buildClientRequest,
  buildRejection,
  buildServerResponse,
  ServerHandshake,
  validateClientRequest,
  validateServerResponse,
  WEBSOCKET_GUID,
} from './handshake.js';
export type {
  HttpHeadError,
  HttpHeadErrorCode,
  HttpHeadResult,
  HttpRequestHead,
  HttpResponseHead,
} from './http-head.js';
export {
  DEFAULT_MAX_HEAD_BYTES,
  HttpHeaders,
  HttpRequestParser,
  HttpResponseParser,
  parseTokenList,
  serializeHead,
} from './http-head.js';
export { applyMask, applyMaskJs, maskCopy, maskInto, SIMD_THRESHOLD, unmask } from './mask.js';
export type { SimdMasker } from './mask-simd.js';
export { createSimdMasker, MASK_WASM, SIMD_BLOCK } from './mask-simd.js';
export type { Message, MessageLimits } from './message.js';
export { DEFAULT_LIMITS, MessageAssembler, RETAIN_FACTOR } from './message.js';
export type { RandomSource } from './random.js';
export { defaultRandom } from './random.js';
export { decodeUtf8, encodeUtf8, isValidUtf8, Utf8Validator } from './utf8.js';
export type { BinaryType, SendData, Timers, WebSocketOptions } from './websocket.js';
export { defineWebSocket, parseWebSocketUrl, WebSocket } from './websocket.js';
