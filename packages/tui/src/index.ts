// Public API of @synack/tui: the terminal UI as a component, its pure parts, and the command line.
export type { AppProps, ScreenProps } from './app.js';
export { App, Screen } from './app.js';
export type { CliIo, OutStream } from './cli/io.js';
export { globalUsage, main } from './cli/main.js';
export type { ClientEvent, ClientOptions, ClientOutcome, ConnectIo } from './connect/index.js';
export { formatClientEvent, runClient } from './connect/index.js';
export type { Field, FieldGroup } from './inspect/annotate.js';
export { annotatePacket, bytesFromHex } from './inspect/annotate.js';
export type { Layout } from './layout.js';
export { layoutFor } from './layout.js';
export type { PlaybackSession } from './model.js';
export type { Lang, Strings } from './narration/index.js';
export { langFromEnv, stringsFor } from './narration/index.js';
export type {
  LogSink,
  ServeHandle,
  ServeLogEntry,
  ServeMode,
  ServeOptions,
  TimedLogEntry,
} from './serve/index.js';
export { formatJsonLine, formatTextLine, startServer } from './serve/index.js';
export type { Binding, HelpKey, KeyFlags } from './state/keymap.js';
export { actionFor, keyName, PLAYBACK_BINDINGS } from './state/keymap.js';
export type { Notice, PlayerAction, PlayerContext, PlayerState } from './state/player.js';
export { initialPlayerState, nextSeed, playerReducer, SPEEDS, TICK_MS } from './state/player.js';
