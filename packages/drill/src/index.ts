// Public API of @synack/drill: packetdrill scripts run against the tcp-sim simulator. This file is
// the whole public surface.

export { type DrillFileResult, type DrillSummary, runDrillSource, summarize } from './drill.js';
export { canonicalErrno, describeErrno, errnoNumber, type Os } from './errno.js';
export { DrillSyntaxError, preprocess, type Token, type TokenType, tokenize } from './lexer.js';
export { formatOutcome, type Outcome } from './outcome.js';
export { parseScript } from './parser.js';
export {
  type DrillOptions,
  type DrillProfile,
  DrillRun,
  LOCAL_ADDRESS,
  REMOTE_ADDRESS,
  runScript,
} from './runner.js';
export type {
  Action,
  EventTime,
  Expr,
  OptionSpec,
  PacketSpec,
  Script,
  ScriptEvent,
  ScriptOption,
  SyscallSpec,
} from './script.js';
export { applySysctl, freebsdWindowShift, initialSettings, type StackSettings } from './sysctl.js';
