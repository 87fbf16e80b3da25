// Public API of @synack/tcp-sim: RFC 9293 endpoints as an XState machine, in a deterministic
// simulated world, with real bytes. This file is the whole public surface.

export type { AckInfo, CongestionController, CongestionFactory, LossInfo } from './endpoint/congestion.js';
export {
  DUPACK_THRESHOLD,
  growCwnd,
  INITIAL_SSTHRESH,
  lossSsthresh,
  NewReno,
  newReno,
  noCongestionControl,
} from './endpoint/congestion.js';
export { TcpError } from './endpoint/connection.js';
export { type AckPolicy, type AckPolicyInput, ackPolicy } from './endpoint/delayed-ack.js';
export {
  type TcpMachine,
  type TcpMachineContext,
  type TcpMachineEvent,
  tcpMachine,
} from './endpoint/machine.js';
export { type NagleInput, nagleAllows } from './endpoint/nagle.js';
export { ReassemblyQueue } from './endpoint/reassembly.js';
export {
  afterSynLoss,
  backOff,
  currentRto,
  initialRtt,
  type RttEstimator,
  sampleRtt,
  synGiveUpAfter,
} from './endpoint/rtt.js';
export {
  classifyAck,
  classifyRst,
  isDuplicateAck,
  isSegmentAcceptable,
  type ResetReply,
  resetFor,
  synSentAckIsAcceptable,
  type Trimmed,
  trimToWindow,
  windowUpdateAllowed,
} from './endpoint/segment-rules.js';
export { isSynchronized, TCP_STATES, type TcpState } from './endpoint/states.js';
export type { Tcb, TcbSnapshot } from './endpoint/tcb.js';
export {
  delayedAckTimeout,
  initialWindowOctets,
  LINUX_PROFILE,
  PROFILES,
  type ProfileName,
  type ProfileSpec,
  RFC_PROFILE,
  resolveProfile,
  type TimerName,
  type TimerProfile,
} from './endpoint/timers.js';
export { abortSendsReset, closeDecision, sendDecision } from './endpoint/user-calls.js';
export { encodePcap, LINKTYPE_RAW, type PcapOptions, type PcapPacket } from './export/pcap.js';
export {
  createScriptedPeer,
  ENDPOINT_ADDRESS,
  type ExpectSpec,
  formatFlags,
  type InjectSpec,
  PEER_ADDRESS,
  parseFlags,
  ScriptError,
  ScriptedPeer,
  type ScriptedPeerOptions,
} from './peer/scripted-peer.js';
export type {
  ConnectOptions,
  HostOptions,
  ListenOptions,
  RawArrival,
  SimHost,
  SimListener,
} from './sim/host.js';
export type { FaultAction, FaultMatch, FaultSpec, LinkConfig } from './sim/link.js';
export { Rng } from './sim/rng.js';
export type { StopReason } from './sim/scheduler.js';
export {
  createSimulation,
  fromHex,
  type Packet,
  type RunOptions,
  type RunResult,
  Simulation,
  type SimulationOptions,
  toHex,
} from './sim/simulation.js';
export type { SimSocket } from './sim/socket.js';
export type {
  AppCall,
  CwndPhase,
  DropReason,
  ErrorCode,
  SegmentView,
  TimerStopCause,
  TraceEvent,
  TraceEventInput,
  TraceEventType,
} from './trace/events.js';
export type { Trace, TraceListener } from './trace/trace.js';
export { internetChecksum } from './wire/checksum.js';
export {
  decodeIpv4Packet,
  encodeIpv4Packet,
  formatIpv4Address,
  type Ipv4DecodeError,
  type Ipv4DecodeResult,
  type Ipv4Header,
  type Ipv4Packet,
  parseIpv4Address,
} from './wire/ipv4.js';
export { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt } from './wire/seq.js';
export {
  decodeTcpSegment,
  encodeTcpIpv4Packet,
  encodeTcpSegment,
  flagBits,
  flagNames,
  segmentLength,
  type TcpDecodeError,
  type TcpDecodeResult,
  type TcpFlag,
  type TcpOptions,
  type TcpSegment,
} from './wire/tcp-segment.js';
