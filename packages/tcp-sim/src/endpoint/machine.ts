/**
 * The RFC 9293 3.3.2 state diagram as an XState v5 machine. The machine is wiring only: which input
 * moves which state where, and which RFC action runs on the way. Segment processing (sequence checks,
 * trimming, ACK arithmetic) happens in `segment-arrives.ts` before the machine sees an event; each
 * event carries the rule that produced it as `cause`, which the trace records.
 *
 * Actions are declared here by their RFC names and call the connection's `TcpEffects`, handed in
 * as input (one machine definition for every connection: `provide()` per connection would rebuild
 * the machine each time). Without effects they do nothing, so the bare machine can be walked by
 * `xstate/graph`.
 * The only delayed transition is TIME-WAIT's 2MSL timer (RFC 9293 3.10.8), run on the simulator's
 * clock; a retransmitted FIN re-enters TIME-WAIT, which restarts it.
 */
import { assign, setup } from 'xstate';
import type { Tcb } from './tcb.js';

interface Caused {
  /** The RFC rule that produced this input, e.g. '3.10.7.4 step 2: RST with SEG.SEQ = RCV.NXT'. */
  readonly cause: string;
}

export type TcpMachineEvent =
  // User calls, RFC 9293 3.10.1-3.10.6.
  | ({ readonly type: 'PASSIVE_OPEN' } & Caused)
  | ({ readonly type: 'ACTIVE_OPEN' } & Caused)
  | ({ readonly type: 'SEND' } & Caused)
  | ({ readonly type: 'RECEIVE' } & Caused)
  | ({ readonly type: 'CLOSE' } & Caused)
  | ({ readonly type: 'ABORT' } & Caused)
  // Segment arrivals, classified by segment-arrives.ts (RFC 9293 3.10.7).
  | ({ readonly type: 'RCV.SYN' } & Caused)
  | ({ readonly type: 'RCV.SYN-ACK' } & Caused)
  | ({ readonly type: 'RCV.ACK-OF-SYN' } & Caused)
  | ({ readonly type: 'RCV.ACK-OF-FIN' } & Caused)
  | ({ readonly type: 'RCV.FIN'; readonly ourFinAcked: boolean } & Caused)
  | ({ readonly type: 'RCV.RST' } & Caused)
  // Timeouts, RFC 9293 3.10.8 (user timeout: the retransmission retry limit).
  | ({ readonly type: 'TIMEOUT.USER' } & Caused);

/** The side effects the machine's actions stand for, implemented by the connection. */
export interface TcpEffects {
  sendSyn(): void;
  sendSynAck(): void;
  queueFin(): void;
  sendReset(): void;
  signalEstablished(): void;
  signalReset(): void;
  signalTimeout(): void;
  turnOffOtherTimers(): void;
  deleteTcb(): void;
}

export interface TcpMachineContext {
  /** True when the connection came from a passive OPEN (RFC 9293 3.10.7.4 second/fourth steps). */
  passive: boolean;
  /** The connection's TCB; the byte path updates it in place, guards and snapshots read it. */
  readonly tcb: Tcb | undefined;
  /** 2 * MSL in ms (RFC 9293 3.4.2), from the timer profile. */
  readonly twoMsl: number;
  readonly effects: TcpEffects | undefined;
}

export interface TcpMachineInput {
  readonly tcb?: Tcb;
  readonly msl?: number;
  readonly effects?: TcpEffects;
}

export const tcpMachine = setup({
  types: {
    context: {} as TcpMachineContext,
    events: {} as TcpMachineEvent,
    input: {} as TcpMachineInput,
  },
  guards: {
    openedPassively: ({ context }) => context.passive,
    ourFinIsAcknowledged: ({ event }) => event.type === 'RCV.FIN' && event.ourFinAcked,
  },
  delays: {
    '2MSL': ({ context }) => context.twoMsl,
  },
  actions: {
    recordPassiveOpen: assign({ passive: true }),
    recordActiveOpen: assign({ passive: false }),
    /** 3.10.1 OPEN, active: select an ISS, send <SEQ=ISS><CTL=SYN>. */
    sendSyn: ({ context }) => context.effects?.sendSyn(),
    /** 3.10.7.2 / 3.10.7.3: send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
    sendSynAck: ({ context }) => context.effects?.sendSynAck(),
    /** 3.10.4 CLOSE: queue a FIN after all data already queued. */
    queueFin: ({ context }) => context.effects?.queueFin(),
    /** 3.10.5 ABORT in a synchronized state: send <SEQ=SND.NXT><CTL=RST>. */
    sendReset: ({ context }) => context.effects?.sendReset(),
    /** 3.10.7.3 / 3.10.7.4: the connection is ESTABLISHED, tell the user. */
    signalEstablished: ({ context }) => context.effects?.signalEstablished(),
    /** 3.10.7.4 second step: "connection reset" / "connection refused". */
    signalReset: ({ context }) => context.effects?.signalReset(),
    /** 3.10.8: the user timeout expired ("connection aborted due to user timeout"). */
    signalTimeout: ({ context }) => context.effects?.signalTimeout(),
    /** 3.10.7.4 eighth step in FIN-WAIT-1/2 and CLOSING: "turn off the other timers". */
    turnOffOtherTimers: ({ context }) => context.effects?.turnOffOtherTimers(),
    /** 3.10.5 / 3.10.7.4: "delete the TCB" on entering CLOSED. */
    deleteTcb: ({ context }) => context.effects?.deleteTcb(),
  },
}).createMachine({
  id: 'tcp',
  initial: 'CLOSED',
  context: ({ input }) => ({
    passive: false,
    tcb: input.tcb,
    twoMsl: 2 * (input.msl ?? 120_000),
    effects: input.effects,
  }),
  states: {
    CLOSED: {
      entry: 'deleteTcb',
      on: {
        PASSIVE_OPEN: { target: 'LISTEN', actions: 'recordPassiveOpen' },
        ACTIVE_OPEN: { target: 'SYN-SENT', actions: ['recordActiveOpen', 'sendSyn'] },
      },
    },
    LISTEN: {
      on: {
        'RCV.SYN': { target: 'SYN-RCVD', actions: 'sendSynAck' },
        CLOSE: { target: 'CLOSED' },
        ABORT: { target: 'CLOSED' },
      },
    },
    'SYN-SENT': {
      on: {
        'RCV.SYN-ACK': { target: 'ESTABLISHED' },
        // Simultaneous open, RFC 9293 3.10.7.3 fourth step (Figure 7).
        'RCV.SYN': { target: 'SYN-RCVD', actions: 'sendSynAck' },
        'RCV.RST': { target: 'CLOSED', actions: 'signalReset' },
        SEND: {},
        RECEIVE: {},
        CLOSE: { target: 'CLOSED' },
        ABORT: { target: 'CLOSED' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    'SYN-RCVD': {
      on: {
        'RCV.ACK-OF-SYN': { target: 'ESTABLISHED' },
        'RCV.RST': [
          { guard: 'openedPassively', target: 'LISTEN' },
          { target: 'CLOSED', actions: 'signalReset' },
        ],
        'RCV.SYN': { guard: 'openedPassively', target: 'LISTEN' },
        'RCV.FIN': { target: 'CLOSE-WAIT' },
        SEND: {},
        RECEIVE: {},
        CLOSE: { target: 'FIN-WAIT-1', actions: 'queueFin' },
        ABORT: { target: 'CLOSED', actions: 'sendReset' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    ESTABLISHED: {
      entry: 'signalEstablished',
      on: {
        'RCV.FIN': { target: 'CLOSE-WAIT' },
        'RCV.RST': { target: 'CLOSED', actions: 'signalReset' },
        SEND: {},
        RECEIVE: {},
        CLOSE: { target: 'FIN-WAIT-1', actions: 'queueFin' },
        ABORT: { target: 'CLOSED', actions: 'sendReset' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    'FIN-WAIT-1': {
      on: {
        'RCV.ACK-OF-FIN': { target: 'FIN-WAIT-2' },
        'RCV.FIN': [
          { guard: 'ourFinIsAcknowledged', target: 'TIME-WAIT' },
          // Simultaneous close, RFC 9293 Figure 13.
          { target: 'CLOSING' },
        ],
        'RCV.RST': { target: 'CLOSED', actions: 'signalReset' },
        RECEIVE: {},
        ABORT: { target: 'CLOSED', actions: 'sendReset' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    'FIN-WAIT-2': {
      on: {
        'RCV.FIN': { target: 'TIME-WAIT' },
        'RCV.RST': { target: 'CLOSED', actions: 'signalReset' },
        RECEIVE: {},
        ABORT: { target: 'CLOSED', actions: 'sendReset' },
        // FIN-WAIT-2 timeout after a full close (Linux tcp_fin_timeout): the application is gone,
        // nobody to tell; the connection is simply deleted.
        'TIMEOUT.USER': { target: 'CLOSED' },
      },
    },
    'CLOSE-WAIT': {
      on: {
        'RCV.RST': { target: 'CLOSED', actions: 'signalReset' },
        SEND: {},
        RECEIVE: {},
        CLOSE: { target: 'LAST-ACK', actions: 'queueFin' },
        ABORT: { target: 'CLOSED', actions: 'sendReset' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    CLOSING: {
      on: {
        'RCV.ACK-OF-FIN': { target: 'TIME-WAIT' },
        'RCV.RST': { target: 'CLOSED' },
        ABORT: { target: 'CLOSED' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    'LAST-ACK': {
      on: {
        'RCV.ACK-OF-FIN': { target: 'CLOSED' },
        'RCV.RST': { target: 'CLOSED' },
        ABORT: { target: 'CLOSED' },
        'TIMEOUT.USER': { target: 'CLOSED', actions: 'signalTimeout' },
      },
    },
    'TIME-WAIT': {
      entry: 'turnOffOtherTimers',
      after: { '2MSL': { target: 'CLOSED' } },
      on: {
        // RFC 9293 3.10.7.4 eighth step: a retransmitted FIN restarts the 2 MSL time-wait timeout.
        'RCV.FIN': { target: 'TIME-WAIT', reenter: true },
        'RCV.RST': { target: 'CLOSED' },
        ABORT: { target: 'CLOSED' },
      },
    },
  },
});

export type TcpMachine = typeof tcpMachine;
