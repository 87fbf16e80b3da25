/**
 * The opening handshake of one connection (RFC 6455 section 4) as `WebSocketProtocol` runs it while
 * CONNECTING. `handshake.ts` holds the pure checks (4.1 response checks, 4.2.1 request checks, the
 * bytes of a request, a 101 or a refusal); this module holds their sequencing for one connection.
 *
 * Theory of operation: an opening handshake is a value with one method, `receive(bytes)`, that feeds
 * the peer's head. Starting one and feeding it return *steps*, which the connection carries out in
 * order: `write` (bytes for the transport), `emit` (a `handshake-request` / `handshake-response`
 * event) and at most one outcome, `open` (with the bytes that followed the head: they are already
 * frames) or `fail` (4.1 "_Fail the WebSocket Connection_"; a server has answered 4xx first). Nothing
 * here touches the connection's state, so every path can be tested by comparing step lists.
 *
 * - Client (4.1): `startClientOpening` builds the request and returns [write, emit request]; the
 *   response head is then parsed, reported, and validated against the key and offers we sent.
 * - Server (4.2): `startServerOpening` wraps a `ServerHandshake`; once the request head is complete the
 *   request is reported and answered with 101 (`open`) or 400/426/431 (`fail`). A caller that ran the
 *   `ServerHandshake` itself (the node adapter) hands its result to `acceptedServerSteps`.
 */
import type { WebSocketError } from './errors.js';
import { wsError } from './errors.js';
import {
  buildClientRequest,
  type ClientRequestOptions,
  ServerHandshake,
  type ServerHandshakeOptions,
  type ServerHandshakeResult,
  validateServerResponse,
} from './handshake.js';
import {
  type HttpRequestHead,
  HttpRequestParser,
  type HttpResponseHead,
  HttpResponseParser,
} from './http-head.js';
import type { RandomSource } from './random.js';

/** The two handshake events of `ProtocolEvent`: each head, as parsed, with its exact bytes. */
export type HandshakeEvent =
  | {
      type: 'handshake-request';
      direction: 'sent' | 'received';
      head: HttpRequestHead | null;
      bytes: Uint8Array;
    }
  | {
      type: 'handshake-response';
      direction: 'sent' | 'received';
      status: number;
      head: HttpResponseHead | null;
      bytes: Uint8Array;
    };

/** One thing the connection must do, in the order given. */
export type OpeningStep =
  | { type: 'write'; bytes: Uint8Array }
  | { type: 'emit'; event: HandshakeEvent }
  /** The connection is OPEN; `rest` (possibly empty) followed the head and goes to the frame parser. */
  | { type: 'open'; protocol: string; extensions: string; rest: Uint8Array }
  | { type: 'fail'; error: WebSocketError };

export type AcceptedServerHandshake = Extract<ServerHandshakeResult, { status: 'accepted' }>;

export interface OpeningHandshake {
  /** Feeds the peer's bytes; [] until its head is complete, then the steps ending in `open` or `fail`. */
  receive(bytes: Uint8Array): OpeningStep[];
}

/** 4.1 (client): queues the request; the returned handshake reads the server's response. */
export function startClientOpening(
  options: Omit<ClientRequestOptions, 'random'>,
  random: RandomSource,
): { opening: OpeningHandshake; steps: OpeningStep[] } {
  const request = buildClientRequest({ ...options, random });
  const parsed = new HttpRequestParser().push(request.bytes);
  const steps: OpeningStep[] = [
    { type: 'write', bytes: request.bytes },
    {
      type: 'emit',
      event: {
        type: 'handshake-request',
        direction: 'sent',
        head: parsed.status === 'complete' ? parsed.head : null,
        bytes: request.bytes,
      },
    },
  ];
  const expected = {
    key: request.key,
    protocols: options.protocols ?? [],
    ...(options.extensions !== undefined ? { extensions: options.extensions } : {}),
  };
  return { opening: new ClientOpening(expected), steps };
}

/** What a client remembers between sending its request and reading the response (4.1). */
interface ExpectedResponse {
  key: string;
  protocols: readonly string[];
  extensions?: string;
}

class ClientOpening implements OpeningHandshake {
  private readonly parser = new HttpResponseParser();

  constructor(private readonly expected: ExpectedResponse) {}

  receive(bytes: Uint8Array): OpeningStep[] {
    const parsed = this.parser.push(bytes);
    if (parsed.status === 'incomplete') return [];
    // A head that does not parse is not reported: there is no response to show.
    if (parsed.status === 'error')
      return [{ type: 'fail', error: wsError('WS_ERR_HANDSHAKE_FAILED', parsed.error.reason) }];
    const { head } = parsed;
    const reported: OpeningStep = {
      type: 'emit',
      event: {
        type: 'handshake-response',
        direction: 'received',
        status: head.status,
        head,
        bytes: parsed.bytes,
      },
    };
    // 4.1: "If the server's response does not conform ... the client MUST _Fail the WebSocket Connection_".
    const verdict = validateServerResponse(head, this.expected);
    if ('code' in verdict) return [reported, { type: 'fail', error: verdict }];
    return [
      reported,
      { type: 'open', protocol: verdict.protocol, extensions: verdict.extensions, rest: parsed.rest },
    ];
  }
}

/** 4.2 (server): reads the client's request and answers it. Throws for invalid local `headers`. */
export function startServerOpening(options: ServerHandshakeOptions = {}): OpeningHandshake {
  const handshake = new ServerHandshake(options);
  return {
    receive(bytes: Uint8Array): OpeningStep[] {
      const result = handshake.push(bytes);
      if (result.status === 'incomplete') return [];
      if (result.status === 'accepted') return acceptedServerSteps(result);
      return [
        ...answerRequest(result.request, result.requestBytes, result.httpStatus, result.response),
        { type: 'fail', error: wsError('WS_ERR_HANDSHAKE_FAILED', result.reason) },
      ];
    },
  };
}

/** 4.2.2 (server): a request already accepted is reported, answered with 101, and the connection opens. */
export function acceptedServerSteps(result: AcceptedServerHandshake): OpeningStep[] {
  return [
    ...answerRequest(result.request, result.requestBytes, 101, result.response),
    { type: 'open', protocol: result.protocol, extensions: result.extensions, rest: result.rest },
  ];
}

/** Reports the request (when its head parsed) and queues our answer to it. */
function answerRequest(
  request: HttpRequestHead | null,
  requestBytes: Uint8Array | null,
  status: number,
  response: Uint8Array,
): OpeningStep[] {
  const steps: OpeningStep[] = [];
  if (request !== null && requestBytes !== null) {
    steps.push({
      type: 'emit',
      event: { type: 'handshake-request', direction: 'received', head: request, bytes: requestBytes },
    });
  }
  steps.push(
    { type: 'write', bytes: response },
    {
      type: 'emit',
      event: {
        type: 'handshake-response',
        direction: 'sent',
        status,
        head: parseOwnResponse(response),
        bytes: response,
      },
    },
  );
  return steps;
}

/** The structured view of a response we built ourselves (for symmetric handshake events). */
function parseOwnResponse(bytes: Uint8Array): HttpResponseHead | null {
  const parsed = new HttpResponseParser().push(bytes);
  return parsed.status === 'complete' ? parsed.head : null;
}
