// Public API of @synack/scenarios: WebSocket over simulated TCP, the scenario language, the runner,
// the built-in library, the view model and the renderers.
export type { ChatPeer, ChatReply } from './apps/chat.js';
export { ChatRoom, parseJoin } from './apps/chat.js';
export { simulatedWebSocket } from './browser.js';
export type { ScenarioInput, StepInput } from './define.js';
export { defineScenario, segmentPattern } from './define.js';
export { didYouMean } from './language/did-you-mean.js';
export type { ScenarioErrorCode, SourceLocation } from './language/errors.js';
export { ScenarioError, ScenarioErrors } from './language/errors.js';
export { parseScenario } from './language/parse.js';
export { MAX_SCENARIO_BYTES } from './language/source.js';
export type * from './language/types.js';
export { TCP_FLAGS, TCP_STATES, WS_STATES } from './language/types.js';
export type { ScenarioSummary } from './library/built-in.js';
export { builtInNames, DEFAULT_SCENARIO, listScenarios, loadScenario } from './library/built-in.js';
export type { ProfileField, ProfileView } from './profile.js';
export {
  formatDuration,
  formatProfileValue,
  PROFILE_FIELDS,
  profileView,
  profileYaml,
  synGiveUpAfter,
} from './profile.js';
export { textWidth } from './renderers/cells.js';
export type { ExportFormat } from './renderers/export.js';
export { EXPORT_FORMATS, exportRun } from './renderers/export.js';
export { renderJsonLines } from './renderers/jsonl.js';
export type { LadderOptions } from './renderers/ladder.js';
export { arrowLabel, renderLadder } from './renderers/ladder.js';
export type { LadderLang, LadderWords } from './renderers/ladder-words.js';
export { LADDER_WORDS } from './renderers/ladder-words.js';
export type { MermaidOptions } from './renderers/mermaid.js';
export { MERMAID_MAX_TEXT_SIZE, renderMermaid } from './renderers/mermaid.js';
export type { ReportOptions } from './report/report.js';
export { describeEvent, formatReport, reportJson, traceAround } from './report/report.js';
export type { ExpectationResult, RunRecord } from './runner/expect.js';
export type { Intervention, LiveRun, RunOptions, ScenarioRun } from './runner/run.js';
export { interventionFailurePrefix, runScenario, startRun } from './runner/run.js';
export type { SessionOptions } from './session.js';
export { createSession, Session } from './session.js';
export type * from './trace/events.js';
export { carriedBy, foldTrace, ViewBuilder } from './view/fold.js';
export type * from './view/model.js';
