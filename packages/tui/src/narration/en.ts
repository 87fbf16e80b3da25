/**
 * English narration: one plain sentence per trace event, written to be accurate against RFC 9293
 * (TCP) and RFC 6455 (WebSocket). Sequence numbers in the view are relative to each side's initial
 * sequence number, as Wireshark shows them, so the client's ISN "x" appears as seq=0.
 */

import { isSsthreshUnset, numbersText, roundMs } from '../format.js';
import type { ArrowView, Narration, TimerStopCause, TimerView, TransitionView } from '../model.js';
import {
  CLOSE_CODES,
  DROP_REASONS,
  errorText,
  flagText,
  type Strings,
  takesNoSequenceSpace,
  unknownPhase,
} from './strings.js';

function carries(a: ArrowView): string {
  return a.carries === undefined ? '' : `, carrying ${a.carries}`;
}

function segmentSent(a: ArrowView, first: 1 | 2 | 3 | undefined): string {
  if (first === 1 && a.retransmission) {
    return `${a.from} sends its SYN again (seq=${a.seq}, the same ISN x): no SYN+ACK came before its retransmission timer expired; the timeout doubles (RFC 6298 5.5).`;
  }
  if (first === 2 && a.retransmission) {
    return `${a.from} sends its SYN+ACK again (ack=${a.ack}): the ACK of its SYN did not come in time, or the client's SYN arrived again.`;
  }
  if (first === 1) {
    return `${a.from} sends the first handshake segment: SYN with its initial sequence number x (seq=${a.seq} relative) and no data; ${a.from} enters SYN-SENT.`;
  }
  if (first === 2) {
    return `${a.from} answers SYN+ACK: its own initial sequence number y, and ack=x+1 (${a.ack}), because the client's SYN used up one sequence number; ${a.from} is in SYN-RCVD.`;
  }
  if (first === 3) {
    return `${a.from} sends the third handshake segment: ACK with ack=y+1 (${a.ack}); ${a.from} is ESTABLISHED, and the server will be too when this arrives.`;
  }
  const what = `${a.from} sends ${flagText(a.flags)} ${numbersText(a)}${carries(a)}`;
  if (a.retransmission) {
    return `${what}. A retransmission: the earlier copy went unacknowledged (an RTO, or duplicate ACKs said it was missing).`;
  }
  if (a.flags.includes('RST')) return `${what}. RST aborts the connection at once; nobody answers a reset.`;
  if (a.flags.includes('FIN')) {
    return `${what}. FIN says ${a.from} has no more data to send; it uses one sequence number and must be acknowledged.`;
  }
  if (a.len === 0 && a.flags.includes('ACK')) {
    return `${what}: a bare acknowledgement, "I have everything up to byte ${a.ack}".`;
  }
  return `${what}.`;
}

function segmentDelivered(a: ArrowView): string {
  const dup = a.copy > 0 ? ` (a duplicate copy the link made; TCP discards the repeated bytes)` : '';
  return `${a.to} receives ${flagText(a.flags)} ${numbersText(a)} from ${a.from}${carries(a)}${dup}.`;
}

function segmentLost(a: ArrowView, reason: string): string {
  const why = DROP_REASONS[reason]?.en ?? reason;
  const seg = `${flagText(a.flags)} ${numbersText(a)}`;
  // Only what occupies sequence space is retransmitted (RFC 9293 3.8.1); RST is never answered or resent.
  const after = a.flags.includes('RST')
    ? 'a reset is never retransmitted'
    : takesNoSequenceSpace(a.flags, a.len)
      ? 'an ACK that carries no data is never retransmitted: a later ACK covers it'
      : `${a.from} will send it again when its RTO expires or duplicate ACKs report it`;
  if (a.fate === 'refused') return `${seg} from ${a.from} reaches ${a.to}, which discards it (${why}).`;
  if (a.fate === 'corrupted') {
    return `${seg} from ${a.from} arrives damaged; ${a.to} finds the checksum wrong and discards it silently, as if it were lost: ${after}.`;
  }
  return `The link loses ${seg} from ${a.from} to ${a.to} (${why}); ${after}.`;
}

const TRANSITIONS: Readonly<Record<string, (ep: string) => string>> = {
  'CLOSED>LISTEN': (ep) => `${ep} opens passively and waits for a SYN (LISTEN).`,
  'CLOSED>SYN-SENT': (ep) => `${ep} opens actively: its SYN is sent and it waits for SYN+ACK (SYN-SENT).`,
  'LISTEN>SYN-RCVD': (ep) =>
    `${ep} received a SYN and answered SYN+ACK; it waits for the ACK of its own SYN (SYN-RCVD).`,
  'LISTEN>SYN-SENT': (ep) => `${ep} was asked to send while listening, so it sends a SYN itself (SYN-SENT).`,
  'SYN-SENT>SYN-RCVD': (ep) =>
    `${ep} received a bare SYN while waiting for SYN+ACK: a simultaneous open; it answers SYN+ACK (SYN-RCVD).`,
  'SYN-SENT>ESTABLISHED': (ep) =>
    `${ep} received SYN+ACK acknowledging its SYN and replied ACK: its side is ESTABLISHED.`,
  'SYN-RCVD>ESTABLISHED': (ep) =>
    `${ep} received the ACK of its SYN: the three-way handshake is complete and ${ep} is ESTABLISHED.`,
  'SYN-RCVD>LISTEN': (ep) => `${ep} got a reset for a half-open connection and goes back to LISTEN.`,
  'SYN-RCVD>FIN-WAIT-1': (ep) => `${ep} closes before the handshake finished: FIN sent (FIN-WAIT-1).`,
  'ESTABLISHED>FIN-WAIT-1': (ep) =>
    `${ep} closes its sending side: FIN sent, waiting for it to be acknowledged (FIN-WAIT-1).`,
  'ESTABLISHED>CLOSE-WAIT': (ep) =>
    `${ep} received a FIN, so the peer will send nothing more; it acknowledged it and waits for its own application to close (CLOSE-WAIT).`,
  'FIN-WAIT-1>FIN-WAIT-2': (ep) =>
    `${ep}'s FIN was acknowledged; it can still receive, and waits for the peer's FIN (FIN-WAIT-2).`,
  'FIN-WAIT-1>CLOSING': (ep) =>
    `${ep} received the peer's FIN before the ACK of its own: both sides closed at once (CLOSING).`,
  'FIN-WAIT-1>TIME-WAIT': (ep) =>
    `${ep} received the ACK of its FIN and the peer's FIN together; it acknowledged and enters TIME-WAIT.`,
  'FIN-WAIT-2>TIME-WAIT': (ep) =>
    `${ep} received the peer's FIN and acknowledged it; it stays in TIME-WAIT for 2MSL so a lost last ACK can be resent and old duplicates die out.`,
  'CLOSING>TIME-WAIT': (ep) => `${ep}'s FIN was acknowledged; it waits 2MSL in TIME-WAIT.`,
  'CLOSE-WAIT>LAST-ACK': (ep) =>
    `${ep}'s application closed too: its FIN is sent and it waits for the last ACK (LAST-ACK).`,
  'LAST-ACK>CLOSED': (ep) => `${ep}'s FIN was acknowledged: the connection is gone on this side (CLOSED).`,
  'TIME-WAIT>CLOSED': (ep) => `2MSL has passed: ${ep} forgets the connection (CLOSED).`,
};

function stateChange(ep: string, t: TransitionView): string {
  const known = TRANSITIONS[`${t.from}>${t.to}`];
  if (known !== undefined) return known(ep);
  if (t.to === 'CLOSED')
    return `${ep} goes straight from ${t.from} to CLOSED (${t.cause}): the connection is gone.`;
  return `${ep} goes from ${t.from} to ${t.to}: ${t.cause}.`;
}

function timerSet(ep: string, t: TimerView): string {
  const ms = roundMs(t.deadline - t.setAt);
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep} starts its retransmission timer: if no ACK comes within ${ms} ms it sends the segment again.`;
    case '2MSL':
      return `${ep} starts the TIME-WAIT timer: 2MSL = ${ms} ms before the connection may be forgotten.`;
    case 'PERSIST':
    case 'persist':
      return `${ep} starts the persist timer: the peer's window is zero, so in ${ms} ms it probes whether it has opened.`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep} delays its ACK up to ${ms} ms, hoping to send it along with data.`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep} starts the keep-alive timer: after ${ms} ms of silence it checks the peer is still there.`;
    case 'USER':
      return `${ep} starts the user timeout: if its data stays unacknowledged for ${ms} ms it gives up on the connection (RFC 9293 3.10.8).`;
    case 'FIN-WAIT-2':
      return `${ep} starts the FIN-WAIT-2 timer: if the peer's FIN has not come in ${ms} ms the connection is dropped (as Linux does).`;
    default:
      return `${ep} starts its ${t.kind} timer, due in ${ms} ms.`;
  }
}

function timerFired(ep: string, t: TimerView): string {
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep}'s retransmission timer expired: it resends the oldest unacknowledged segment and doubles the timeout (RFC 6298 5.4, 5.5).`;
    case '2MSL':
      return `${ep}'s 2MSL timer expired: TIME-WAIT is over and the connection is deleted.`;
    case 'PERSIST':
    case 'persist':
      return `${ep}'s persist timer expired: it sends a window probe.`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep}'s delayed-ACK timer expired: it sends the ACK on its own.`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep}'s keep-alive timer expired: it probes the idle peer.`;
    case 'USER':
      return `${ep}'s user timeout expired: data stayed unacknowledged too long, the connection is aborted.`;
    case 'FIN-WAIT-2':
      return `${ep}'s FIN-WAIT-2 timer expired: the peer never sent its FIN, so the connection is dropped.`;
    default:
      return `${ep}'s ${t.kind} timer expired.`;
  }
}

function timerCancelled(ep: string, t: TimerView, cause: TimerStopCause | undefined): string {
  if (cause === 'closed') return `${ep}'s connection is gone, so its ${t.kind} timer stops with it.`;
  if (cause === 'time-wait') {
    return `${ep} enters TIME-WAIT and turns off its ${t.kind} timer: only 2MSL runs now (RFC 9293 3.10.7.4).`;
  }
  if (cause === 'restarted') {
    return `${ep} got the peer's FIN again in TIME-WAIT (its last ACK was lost): it acknowledges it and restarts the 2MSL timeout (RFC 9293 3.10.7.4).`;
  }
  switch (t.kind) {
    case 'RTO':
      return `${ep} stops its retransmission timer: new data was acknowledged (RFC 6298 5.2, 5.3: it is restarted if more is still outstanding).`;
    case 'SYN':
      return `${ep} stops its SYN retransmission timer: the handshake segment was answered.`;
    case '2MSL':
      return `${ep} stops its 2MSL timer.`;
    case 'PERSIST':
      return `${ep} stops probing: the peer's window opened again.`;
    case 'DELACK':
      return `${ep} no longer needs its delayed-ACK timer: the acknowledgement went out with other data or at once.`;
    case 'KEEPALIVE':
      return `${ep} stops its keep-alive timer: the connection is no longer idle.`;
    case 'USER':
      return `${ep} stops its user timeout: the outstanding data was acknowledged in time.`;
    case 'FIN-WAIT-2':
      return `${ep} stops its FIN-WAIT-2 timer: the peer's FIN arrived.`;
    default:
      return `${ep} cancels its ${t.kind} timer.`;
  }
}

function segmentFault(a: ArrowView, fault: string, delay: number): string {
  const seg = `${a.from}'s ${flagText(a.flags)} seq=${a.seq} len=${a.len}`;
  // A bare ACK takes no sequence space: the receiver has nothing to discard or re-acknowledge.
  const bare = a.len === 0 && !a.flags.some((f) => f === 'SYN' || f === 'FIN' || f === 'RST');
  if (a.flags.includes('RST') && fault === 'duplicated') {
    return `The link duplicates ${seg}: the first copy resets the connection; the second finds it gone and is discarded (RFC 9293 3.10.7.1).`;
  }
  switch (fault) {
    case 'duplicated':
      return bare
        ? `The link duplicates ${seg}: the copy acknowledges nothing new; to a sender with data outstanding it counts as a duplicate ACK (RFC 5681 2).`
        : `The link duplicates ${seg}: a second copy will arrive; ${a.to} recognises sequence numbers it already has, discards the copy and acknowledges again.`;
    case 'corrupted':
      return `The link damages ${seg} in transit: ${a.to}'s checksum check will fail and it will drop the segment without a word, as if it were lost.`;
    case 'reordered':
      return bare
        ? `The link holds ${seg} back ${delay} ms, so later segments overtake it; an ACK older than one already received is ignored (RFC 9293 3.10.7.4).`
        : `The link holds ${seg} back ${delay} ms, so later segments overtake it: ${a.to} gets data out of order, keeps it, and acknowledges only up to the gap (duplicate ACKs).`;
    default:
      return `The link delays ${seg} by an extra ${delay} ms.`;
  }
}

function cwnd(n: Extract<Narration, { key: 'cwnd' }>): string {
  const { endpoint: ep, cwnd, ssthresh, flight } = n;
  const threshold = isSsthreshUnset(ssthresh) ? 'no loss yet, ssthresh unset' : `ssthresh ${ssthresh}`;
  switch (n.phase) {
    case 'initial':
      return `${ep}'s congestion window starts at ${cwnd} bytes, its initial window (RFC 5681 3.1); ${threshold}.`;
    case 'fast-retransmit':
      return `${ep} got a third duplicate ACK: it resends the missing segment at once and enters fast recovery, ssthresh ${ssthresh}, cwnd ${cwnd} (RFC 5681 3.2).`;
    case 'fast-recovery':
      return `Another duplicate ACK in fast recovery: a segment has left the network, so ${ep}'s cwnd grows by one segment to ${cwnd} (RFC 5681 3.2).`;
    case 'partial-ack':
      return `A partial ACK in fast recovery: ${ep} resends the next hole at once and stays in recovery, cwnd ${cwnd} (RFC 6582 3.2).`;
    case 'recovery-exit':
      return `A full ACK ends ${ep}'s fast recovery: cwnd deflates to ${cwnd} bytes, ${threshold} (RFC 6582 3.2).`;
    case 'timeout':
      return `After a retransmission timeout ${ep} sets ssthresh to ${ssthresh} (half the flight, at least 2 segments) and cwnd to one segment, ${cwnd} bytes (RFC 5681 3.1).`;
    case 'slow-start':
      return `${ep}'s cwnd is now ${cwnd} bytes, ${flight} in flight, ${threshold}: slow start, about +1 segment per ACK (RFC 5681 3.1).`;
    case 'congestion-avoidance':
      return `${ep}'s cwnd is now ${cwnd} bytes, ${flight} in flight, ${threshold}: congestion avoidance, about +1 segment per round trip (RFC 5681 3.1).`;
    default:
      return unknownPhase(n.phase);
  }
}

function appEvent(ep: string, event: string): string {
  switch (event) {
    case 'connect':
      return `${ep}'s application is told the connection is open ('connect'): it may send now.`;
    case 'connection':
      return `${ep}'s listening application accepts a new, established connection ('connection').`;
    case 'end':
      return `${ep}'s application reaches the end of the peer's stream ('end'): the peer's FIN arrived and nothing more will be read.`;
    case 'close':
      return `${ep}'s socket is fully closed ('close').`;
    case 'drain':
      return `${ep}'s send buffer has room again ('drain'): the application may write more.`;
    default:
      return `${ep}'s application gets '${event}'.`;
  }
}

function handshake(n: Extract<Narration, { key: 'ws-handshake' }>): string {
  const ep = n.endpoint;
  if (n.kind === 'request') {
    return n.direction === 'sent'
      ? `${ep} sends the opening handshake (RFC 6455 4.1): "${n.line}", ${n.length} bytes of HTTP with Upgrade: websocket, a random Sec-WebSocket-Key and version 13.`
      : `${ep} reads the Upgrade request "${n.line}" and checks Host, Upgrade, Connection, the 16-byte key and version 13 (RFC 6455 4.2.1).`;
  }
  if (n.status === 101) {
    return n.direction === 'sent'
      ? `${ep} accepts: "${n.line}" with Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), RFC 6455 4.2.2.`
      : `${ep} reads "${n.line}" and checks Sec-WebSocket-Accept against its key (RFC 6455 4.1); frames follow.`;
  }
  return n.direction === 'sent'
    ? `${ep} refuses the upgrade with "${n.line}" (RFC 6455 4.2.1, 4.2.2: 400 for a bad request, 426 with the Sec-WebSocket-Version it speaks); no WebSocket opens.`
    : `${ep} receives "${n.line}" instead of 101 Switching Protocols: the server refused, so the WebSocket fails (RFC 6455 4.1).`;
}

const STEP_ACTIONS: Readonly<Record<string, string>> = {
  listen: 'starts listening',
  connect: 'opens a TCP connection',
  open: 'opens a WebSocket',
  send: 'sends a message',
  ping: 'sends a ping',
  close: 'starts the WebSocket closing handshake',
  frames: 'writes hand-made WebSocket frames',
  raw: 'writes raw bytes onto the stream',
  shutdown: 'shuts down its sending side (FIN)',
  abort: 'aborts the connection (RST)',
  'pause-reading': 'stops reading from its socket',
  'resume-reading': 'reads from its socket again',
};

function scenarioStep(n: Extract<Narration, { key: 'scenario-step' }>): string {
  const where = `Scenario step ${n.step} (line ${n.line})`;
  if (n.action === 'wait' || n.by === '') return `${where}: wait.`;
  return `${where}: ${n.by} ${STEP_ACTIONS[n.action] ?? `does '${n.action}'`}.`;
}

function narrate(n: Narration): string {
  switch (n.key) {
    case 'segment-sent':
      return segmentSent(n.arrow, n.firstHandshake);
    case 'segment-delivered':
      return segmentDelivered(n.arrow);
    case 'segment-lost':
      return segmentLost(n.arrow, n.reason);
    case 'state-change':
      return stateChange(n.endpoint, n.transition);
    case 'timer-set':
      return timerSet(n.endpoint, n.timer);
    case 'timer-fired':
      return timerFired(n.endpoint, n.timer);
    case 'ws-frame': {
      const mask = n.masked
        ? 'masked with a 4-byte key, as every client-to-server frame must be (RFC 6455 5.3)'
        : 'unmasked, as server-to-client frames are';
      return n.direction === 'sent'
        ? `${n.endpoint} sends a WebSocket ${n.opcode} frame with ${n.length} payload bytes, ${mask}.`
        : `${n.endpoint} parses a WebSocket ${n.opcode} frame with ${n.length} payload bytes${n.masked ? ' and unmasks it with the key from its header' : ''}.`;
    }
    case 'ws-message':
      return n.text === undefined
        ? `${n.endpoint}'s application receives a binary message of ${n.length} bytes.`
        : `${n.endpoint}'s application receives the text message "${n.text}" (${n.length} bytes of UTF-8).`;
    case 'ws-state':
      return wsState(n.endpoint, n.from, n.to);
    case 'ws-close': {
      const meaning = CLOSE_CODES[n.code]?.en ?? 'application-defined';
      const reason = n.reason === '' ? '' : `, reason "${n.reason}"`;
      return `${n.endpoint}: the WebSocket closes with code ${n.code} (${meaning})${reason}.`;
    }
    case 'app-call':
      return `${n.endpoint}'s application calls ${n.call}.`;
    case 'error':
      return `${n.endpoint} reports ${errorText(n.code, n.message)}.`;
    case 'timer-cancelled':
      return timerCancelled(n.endpoint, n.timer, n.cause);
    case 'segment-fault':
      return segmentFault(n.arrow, n.fault, n.delay);
    case 'cwnd':
      return cwnd(n);
    case 'app-data':
      return `TCP hands ${n.length} bytes to ${n.endpoint}'s application, in order: bytes ${n.offset}..${n.offset + n.length - 1} of the peer's stream.`;
    case 'app-event':
      return appEvent(n.endpoint, n.event);
    case 'ws-handshake':
      return handshake(n);
    case 'ws-error': {
      const meaning = CLOSE_CODES[n.closeCode]?.en ?? 'application-defined';
      return `${n.endpoint} fails the WebSocket (RFC 6455 7.1.7): ${n.message}; it closes with ${n.closeCode} (${meaning}).`;
    }
    case 'scenario-step':
      return scenarioStep(n);
    case 'scenario-failure':
      return n.step === undefined
        ? `An intervention could not be applied: ${n.message}.`
        : `Scenario step ${n.step} could not run: ${n.message}.`;
  }
}

function wsState(ep: string, from: string, to: string): string {
  switch (`${from}>${to}`) {
    case 'CONNECTING>OPEN':
      return `${ep}'s readyState becomes OPEN (1): the 101 Switching Protocols response carried a valid Sec-WebSocket-Accept, and messages can flow.`;
    case 'OPEN>CLOSING':
      return `${ep}'s readyState becomes CLOSING (2): a close frame has been sent or received, and the other side's is awaited.`;
    case 'CLOSING>CLOSED':
      return `${ep}'s readyState becomes CLOSED (3): both close frames have been exchanged, and TCP closes underneath.`;
    case 'CONNECTING>CLOSED':
      return `${ep}'s readyState becomes CLOSED (3): the opening handshake failed.`;
    default:
      return `${ep}'s readyState goes from ${from} to ${to}.`;
  }
}

export const en: Strings = {
  lang: 'en',
  narrate,
  failure: (message) => message,
  unnarrated: (type) =>
    ({
      'scenario.step': 'The scenario timeline runs its next step.',
      'timer.cancelled': 'A timer is cancelled: what it was waiting for has happened.',
      'ws.handshake': 'A WebSocket opening-handshake message (HTTP Upgrade) passes through the stream.',
      'ws.message': 'A WebSocket message is handed to the sending side.',
      'app.call': 'An application calls into its TCP endpoint.',
      'app.data': 'TCP hands the bytes it received, in order, to the application.',
    })[type] ?? `Trace event: ${type}.`,
  help: {
    'play-pause': 'play / pause',
    step: 'step forward one event',
    back: 'step back one event (replays the same seed)',
    start: 'go to the start',
    end: 'go to the end',
    faster: 'faster',
    slower: 'slower',
    'next-state': 'jump to the next state change',
    'select-up': 'select the previous segment',
    'select-down': 'select the next segment',
    follow: 'follow the latest segment again',
    pane: 'switch between state diagram and inspector',
    scroll: 'scroll the inspector',
    drop: 'drop the next segment',
    corrupt: 'corrupt the next segment',
    loss: 'toggle random loss (20%)',
    send: 'send a message from the client',
    close: 'close the WebSocket (code 1000)',
    abort: 'abort the connection (RST)',
    restart: 'restart with a new seed',
    picker: 'open another scenario',
    profile: "the TCP profile's numbers (timers, Linux vs RFC)",
    help: 'this help',
    quit: 'quit',
    count: 'a count for the next key: 10l steps ten events, 120G goes to event 120',
    undo: 'undo the last change (drop, send, close...)',
  },
  notice: {
    'drop-next': 'the next segment will be dropped',
    'corrupt-next': 'the next segment will be corrupted',
    'loss-on': 'random loss on (20%)',
    'loss-off': 'random loss off',
    'message-sent': 'message sent from the client',
    'close-sent': 'the client closes with code 1000',
    'abort-sent': 'the client aborts the connection',
    restarted: 'restarted with a new seed',
    'no-client': 'this scenario has no client endpoint',
    'at-end': 'end of the trace',
    'at-start': 'start of the trace',
    'no-state-change': 'no further state change',
    refused: 'not done',
    undone: 'the last change is undone',
    'nothing-to-undo': 'no change to undo',
  },
  ui: {
    playing: 'playing',
    paused: 'paused',
    speed: 'speed',
    event: 'event',
    seed: 'seed',
    loss: 'loss',
    help: '? help',
    helpTitle: 'Keys',
    pickerTitle: 'Open a scenario',
    pickerHint: '↑/↓ choose, enter open, esc back',
    ladder: 'segments',
    diagram: 'TCP state diagram (RFC 9293 Figure 5)',
    inspector: 'inspector',
    timers: 'timers',
    noTimers: 'no timers running',
    noSegment: 'no segment selected yet',
    start: 'Press space to play, → to step, ? for help.',
    lastTransition: 'last',
    tooSmall: 'Terminal too small: need at least 60x16.',
    profile: 'profile',
    profileTitle: (base) => `TCP profile: ${base}, every number this run uses`,
    profileHint: '* = set by the scenario (profile: in its file); t or esc closes',
    timeWait: (d) => `TIME-WAIT ${d}`,
    off: 'off',
    separator: '; ',
    givesUpAfter: (d) => `gives up after ${d}`,
  },
  profileFields: {
    rtoInitial: 'RTO before any RTT sample (RFC 6298 2.1)',
    rtoMin: 'lower bound on the RTO (RFC 6298 2.4)',
    rtoMax: 'upper bound on the RTO (RFC 6298 2.5)',
    rtoAfterSynLoss: 'RTO once data flows after a lost SYN (RFC 6298 5.7)',
    clockGranularity: 'clock granularity G (RFC 6298 2.2)',
    msl: 'maximum segment lifetime, TIME-WAIT is 2 MSL (RFC 9293 3.4.2)',
    synRetries: 'SYN and SYN-ACK retransmissions before giving up',
    dataRetries: 'data or FIN retransmissions before ETIMEDOUT (RFC 1122 4.2.3.5)',
    delayedAckMax: 'longest delayed-ACK wait, 0 = off (RFC 9293 3.8.6.3)',
    delayedAckMin: 'shortest delayed-ACK wait',
    initialWindow: 'initial congestion window, segments (RFC 6928, RFC 5681 3.1)',
    abortRstWithAck: 'ABORT sends RST+ACK (Linux) or a bare RST (RFC 9293 3.10.5)',
    zeroWindowProbe: 'zero-window probe: next octet (RFC) or empty at SND.UNA-1 (Linux)',
    probeRetries: 'unanswered zero-window probes before the connection is aborted',
    rstInTimeWait: 'acceptable RST in TIME-WAIT: close (RFC 9293) or ignore (RFC 1337)',
    rfc5961: 'challenge ACKs for in-window RST and SYN (RFC 5961)',
    nagle: "Nagle's algorithm on new sockets (RFC 1122 4.2.3.4)",
    keepAliveIdle: 'idle time before the first keep-alive probe (RFC 1122 4.2.3.6)',
    keepAliveInterval: 'time between unanswered keep-alive probes',
    keepAliveProbes: 'unanswered keep-alive probes before ETIMEDOUT',
    keepAlive: 'keep-alive on for new sockets (RFC 1122 4.2.3.6: off by default)',
    userTimeout: 'user timeout, 0 = off (RFC 9293 3.8.3, RFC 5482)',
    finWait2Timeout: 'FIN-WAIT-2 timeout, 0 = wait forever (Linux tcp_fin_timeout)',
    windowScale: 'window scale shift offered, false = none (RFC 7323 2)',
    sack: 'offer SACK-permitted (RFC 2018)',
    timestamps: 'offer timestamps (RFC 7323 3)',
  },
};
