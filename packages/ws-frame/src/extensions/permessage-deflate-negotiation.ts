/**
 * RFC 7692 section 7.1: negotiating permessage-deflate, both roles, as pure functions over header values.
 *
 * Theory of operation: a client offers one or more configurations in preference order
 * (`buildOffers`); the server walks the offers in order and accepts the first valid one it supports,
 * answering with one element (`selectOffer`, section 5: "the server picks"); invalid offers are
 * declined, not failed (section 5). The client checks the answer against what it offered
 * (`acceptResponse`) and fails the connection on anything section 7.1 forbids. Both ends then derive
 * the same `DeflateAgreement` from the one response element (`agreementFrom`), so the agreed
 * parameters are exactly what went over the wire.
 */
import { type WebSocketError, wsError } from '../errors.js';
import {
  type ExtensionElement,
  type ExtensionParam,
  formatExtension,
  parseExtensionHeader,
} from './extension-header.js';

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** 7.1.2: window sizes are powers of two from 2^8 to 2^15 bytes; 15 is the default. */
export const MIN_WINDOW_BITS = 8;
export const MAX_WINDOW_BITS = 15;

/** One configuration to offer (client) or the limits to answer with (server). */
export interface DeflateOfferOptions {
  /** 7.1.1.1: ask (client) or announce (server) that the server resets its compressor per message. */
  serverNoContextTakeover?: boolean;
  /** 7.1.1.2: the client resets its compressor per message (a hint when offered, binding when answered). */
  clientNoContextTakeover?: boolean;
  /** 7.1.2.1: the largest window the server's compressor may use (offered or imposed), 8-15. */
  serverMaxWindowBits?: number;
  /**
   * 7.1.2.2: client: `true` offers the parameter without a value ("I can honour a limit"), a number
   * offers it with that value; server: the limit to answer with when the client offered the parameter.
   */
  clientMaxWindowBits?: number | true;
}

/** The parameters in force for one connection, identical on both ends. */
export interface DeflateAgreement {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

const PARAM_NAMES = new Set([
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits',
]);

const WINDOW_BITS = /^(?:8|9|1[0-5])$/;

function isWindowBits(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= MIN_WINDOW_BITS && n <= MAX_WINDOW_BITS;
}

/** The parameters of one element, checked against section 7.1's rules, as a map; or why not. */
function readParams(
  element: ExtensionElement,
  side: 'offer' | 'response',
): Map<string, string | null> | string {
  const params = new Map<string, string | null>();
  for (const { name, value } of element.params) {
    // Section 5 (offers) and 7.1 (responses): unknown names, repeated names and bad values are invalid.
    if (!PARAM_NAMES.has(name)) return `unknown parameter ${name}`;
    if (params.has(name)) return `parameter ${name} repeated`;
    if (name.endsWith('no_context_takeover') && value !== null) return `${name} takes no value`;
    if (name === 'server_max_window_bits' && (value === null || !WINDOW_BITS.test(value)))
      return `server_max_window_bits must be 8-15`;
    if (name === 'client_max_window_bits') {
      // 7.1.2.2: optional in an offer; in a response "it MUST have a value".
      if (value === null ? side === 'response' : !WINDOW_BITS.test(value))
        return `client_max_window_bits must be 8-15`;
    }
    params.set(name, value);
  }
  return params;
}

/** Client: the Sec-WebSocket-Extensions value offering each configuration, in preference order. */
export function buildOffers(offers: readonly DeflateOfferOptions[]): string {
  return offers.map((o) => formatExtension(offerElement(o))).join(', ');
}

function offerElement(o: DeflateOfferOptions): ExtensionElement {
  const params: ExtensionParam[] = [];
  if (o.serverNoContextTakeover) params.push({ name: 'server_no_context_takeover', value: null });
  if (o.clientNoContextTakeover) params.push({ name: 'client_no_context_takeover', value: null });
  if (o.serverMaxWindowBits !== undefined) {
    if (!isWindowBits(o.serverMaxWindowBits)) throw new RangeError('serverMaxWindowBits must be 8-15');
    params.push({ name: 'server_max_window_bits', value: String(o.serverMaxWindowBits) });
  }
  if (o.clientMaxWindowBits === true) params.push({ name: 'client_max_window_bits', value: null });
  else if (o.clientMaxWindowBits !== undefined) {
    if (!isWindowBits(o.clientMaxWindowBits)) throw new RangeError('clientMaxWindowBits must be 8-15');
    params.push({ name: 'client_max_window_bits', value: String(o.clientMaxWindowBits) });
  }
  return { name: PERMESSAGE_DEFLATE, params };
}

export type OfferSelection =
  | { accepted: true; agreement: DeflateAgreement; response: string; offerIndex: number }
  | { accepted: false; declined: readonly string[] };

/**
 * Server, section 5 and 7.1: the first permessage-deflate offer that is valid, answered with `local`'s
 * limits. Invalid offers are declined (with the reason, for logs); other extensions are ignored.
 * `header` is the request's Sec-WebSocket-Extensions value (all fields joined); null when absent.
 */
export function selectOffer(header: string | null, local: DeflateOfferOptions = {}): OfferSelection {
  const elements = header === null ? [] : parseExtensionHeader(header);
  if (elements === null) return { accepted: false, declined: ['Sec-WebSocket-Extensions does not parse'] };
  const declined: string[] = [];
  let index = -1;
  for (const element of elements) {
    if (element.name !== PERMESSAGE_DEFLATE) continue;
    index++;
    const params = readParams(element, 'offer');
    if (typeof params === 'string') {
      declined.push(params);
      continue;
    }
    const answer = answerOffer(params, local);
    return { accepted: true, ...answer, offerIndex: index };
  }
  return { accepted: false, declined };
}

function answerOffer(
  offer: Map<string, string | null>,
  local: DeflateOfferOptions,
): { agreement: DeflateAgreement; response: string } {
  const response: ExtensionParam[] = [];
  // 7.1.1.1: accepting an offer with server_no_context_takeover means including it; a server may also
  // announce it on its own.
  const serverNoContextTakeover =
    offer.has('server_no_context_takeover') || local.serverNoContextTakeover === true;
  if (serverNoContextTakeover) response.push({ name: 'server_no_context_takeover', value: null });
  // 7.1.1.2: the server may tell the client not to use context takeover, offered or not.
  const clientNoContextTakeover = local.clientNoContextTakeover === true;
  if (clientNoContextTakeover) response.push({ name: 'client_no_context_takeover', value: null });
  // 7.1.2.1: answer an offered limit with the same or a smaller value; a server may also impose one.
  const offeredServerBits = offer.get('server_max_window_bits');
  let serverBits = offeredServerBits == null ? MAX_WINDOW_BITS : Number(offeredServerBits);
  if (local.serverMaxWindowBits !== undefined) serverBits = Math.min(serverBits, local.serverMaxWindowBits);
  if (offeredServerBits != null || local.serverMaxWindowBits !== undefined)
    response.push({ name: 'server_max_window_bits', value: String(serverBits) });
  // 7.1.2.2: the client's window may only be limited when it offered the parameter.
  let clientBits = MAX_WINDOW_BITS;
  if (offer.has('client_max_window_bits')) {
    const offeredClientBits = offer.get('client_max_window_bits');
    if (offeredClientBits != null) clientBits = Number(offeredClientBits);
    if (typeof local.clientMaxWindowBits === 'number')
      clientBits = Math.min(clientBits, local.clientMaxWindowBits);
    if (clientBits < MAX_WINDOW_BITS)
      response.push({ name: 'client_max_window_bits', value: String(clientBits) });
  }
  return {
    agreement: {
      serverNoContextTakeover,
      clientNoContextTakeover,
      serverMaxWindowBits: serverBits,
      clientMaxWindowBits: clientBits,
    },
    response: formatExtension({ name: PERMESSAGE_DEFLATE, params: response }),
  };
}

/**
 * Client, section 7.1: the server's Sec-WebSocket-Extensions value (null when absent) checked against
 * the offers we sent. Null means the server declined permessage-deflate (not an error); a
 * `WebSocketError` means the client must fail the connection.
 */
export function acceptResponse(
  header: string | null,
  offers: readonly DeflateOfferOptions[],
): DeflateAgreement | null | WebSocketError {
  const fail = (why: string) => wsError('WS_ERR_HANDSHAKE_FAILED', `permessage-deflate response: ${why}`);
  if (header === null) return null;
  const elements = parseExtensionHeader(header);
  if (elements === null) return fail('Sec-WebSocket-Extensions does not parse');
  const ours = elements.filter((e) => e.name === PERMESSAGE_DEFLATE);
  if (ours.length === 0) return null;
  // Section 5: the server answers with one element for the offer it accepted.
  if (ours.length > 1) return fail('accepted more than once');
  const element = ours[0]!;
  const params = readParams(element, 'response');
  if (typeof params === 'string') return fail(params);
  let why = 'no offer matches';
  for (const offer of offers) {
    const mismatch = responseMismatch(params, offer);
    if (mismatch === null) return agreementFrom(element);
    why = mismatch;
  }
  return fail(why);
}

/** Why a valid response cannot answer `offer`, or null when it can. */
function responseMismatch(response: Map<string, string | null>, offer: DeflateOfferOptions): string | null {
  // 7.1.1.1: an offered server_no_context_takeover is accepted by including it.
  if (offer.serverNoContextTakeover && !response.has('server_no_context_takeover'))
    return 'server_no_context_takeover was offered but not accepted';
  // 7.1.2.1: an offered server_max_window_bits is accepted with the same or a smaller value.
  const serverBits = response.get('server_max_window_bits');
  if (
    offer.serverMaxWindowBits !== undefined &&
    (serverBits == null || Number(serverBits) > offer.serverMaxWindowBits)
  )
    return 'server_max_window_bits above the offered value';
  // 7.1.2.2: client_max_window_bits only when offered, and not above an offered value.
  const clientBits = response.get('client_max_window_bits');
  if (clientBits != null) {
    if (offer.clientMaxWindowBits === undefined) return 'client_max_window_bits was not offered';
    if (typeof offer.clientMaxWindowBits === 'number' && Number(clientBits) > offer.clientMaxWindowBits)
      return 'client_max_window_bits above the offered value';
  }
  return null;
}

/** The agreement one response element states (its absent parameters take their defaults). */
export function agreementFrom(element: ExtensionElement): DeflateAgreement {
  const value = (name: string) => element.params.find((p) => p.name === name);
  const bits = (name: string) => {
    const v = value(name)?.value;
    return v == null ? MAX_WINDOW_BITS : Number(v);
  };
  return {
    serverNoContextTakeover: value('server_no_context_takeover') !== undefined,
    clientNoContextTakeover: value('client_no_context_takeover') !== undefined,
    serverMaxWindowBits: bits('server_max_window_bits'),
    clientMaxWindowBits: bits('client_max_window_bits'),
  };
}

/** The agreement in a response value we built or already accepted (the element named permessage-deflate). */
export function agreementFromHeader(header: string): DeflateAgreement | null {
  const element = parseExtensionHeader(header)?.find((e) => e.name === PERMESSAGE_DEFLATE);
  return element === undefined ? null : agreementFrom(element);
}
