/**
 * What `synack serve` reports: one entry per listening, connection, close, plain HTTP request, refused
 * handshake and shutdown. The same entries print as one human line each, or as JSON Lines (`--json`)
 * for machines; the field names are the JSON format, so keep them stable.
 */

export type ServeLogEntry =
  | { event: 'listening'; url: string; host: string; port: number; mode: string }
  | {
      event: 'open';
      id: number;
      remote: string;
      path: string;
      protocol: string;
      /** The agreed Sec-WebSocket-Extensions (permessage-deflate, RFC 7692), when any. */
      extensions?: string;
    }
  | {
      event: 'close';
      id: number;
      remote: string;
      /** The code that ended the connection: the peer's, the one we sent when we failed it, or 1006. */
      code: number;
      reason: string;
      wasClean: boolean;
      /** Who ended it: the peer's close frame, our close frame, or the transport without one. */
      by: 'peer' | 'server' | 'transport';
      messagesIn: number;
      messagesOut: number;
      durationMs: number;
      /** Why the server acted, when it did (protocol error, idle, dead peer, slow reader, shutdown). */
      note?: string;
    }
  | { event: 'http'; method: string; path: string; status: number }
  | { event: 'rejected'; remote: string; status: number; reason: string }
  | { event: 'shutdown'; signal: string; open: number }
  | { event: 'stopped' };

export type TimedLogEntry = ServeLogEntry & { time: string };

export type LogSink = (entry: TimedLogEntry) => void;

/** What the log needs to know about a connection (a `ServePeer` has it). */
export interface PeerFacts {
  id: number;
  remote: string;
  path: string;
  openedAt: number;
  messagesIn: number;
  messagesOut: number;
  /** Set when the server ended the connection: the code it sent (1006 when it dropped TCP) and why. */
  ending: { code: number; reason: string; note: string } | null;
  transportNote: string | null;
}

export function openEntry(peer: PeerFacts, protocol: string, extensions?: string): ServeLogEntry {
  return {
    event: 'open',
    id: peer.id,
    remote: peer.remote,
    path: peer.path,
    protocol,
    ...(extensions ? { extensions } : {}),
  };
}

/**
 * The close entry: when the server ended the connection its code, reason and note win over what the
 * transport reported; otherwise the peer's close frame (or 1006 without one) says who ended it.
 * `now` is on the same clock as `peer.openedAt`.
 */
export function closeEntry(
  peer: PeerFacts,
  closed: { code: number; reason: string; wasClean: boolean },
  now: number,
): ServeLogEntry {
  const ending = peer.ending;
  const note = ending?.note ?? peer.transportNote;
  return {
    event: 'close',
    id: peer.id,
    remote: peer.remote,
    code: ending ? ending.code : closed.code,
    reason: ending ? ending.reason : closed.reason,
    wasClean: closed.wasClean,
    by: ending ? 'server' : closed.code === 1006 ? 'transport' : 'peer',
    messagesIn: peer.messagesIn,
    messagesOut: peer.messagesOut,
    durationMs: Math.round(now - peer.openedAt),
    ...(note !== null ? { note } : {}),
  };
}

/** One JSON object per line (JSON Lines). */
export function formatJsonLine(entry: TimedLogEntry): string {
  return JSON.stringify(entry);
}

/** One line a person reads: time, event, then the facts that matter for that event. */
export function formatTextLine(entry: TimedLogEntry): string {
  const time = entry.time.slice(11, 23);
  switch (entry.event) {
    case 'listening':
      return `${time} listening on ${entry.url} (mode ${entry.mode})`;
    case 'open':
      return (
        `${time} open  #${entry.id} ${entry.remote} ${entry.path}${entry.protocol ? ` protocol=${entry.protocol}` : ''}` +
        (entry.extensions ? ` extensions=${JSON.stringify(entry.extensions)}` : '')
      );
    case 'close': {
      const reason = entry.reason ? ` ${JSON.stringify(entry.reason)}` : '';
      const note = entry.note ? ` (${entry.note})` : '';
      return (
        `${time} close #${entry.id} ${entry.remote} code=${entry.code}${reason} by ${entry.by}` +
        ` clean=${entry.wasClean} in=${entry.messagesIn} out=${entry.messagesOut}` +
        ` ${(entry.durationMs / 1000).toFixed(3)}s${note}`
      );
    }
    case 'http':
      return `${time} http  ${entry.method} ${entry.path} ${entry.status}`;
    case 'rejected':
      return `${time} refused ${entry.remote} ${entry.status} ${entry.reason}`;
    case 'shutdown':
      return `${time} ${entry.signal}: closing ${entry.open} connection(s) with 1001`;
    case 'stopped':
      return `${time} stopped`;
  }
}
