/**
 * Everything the TUI says in words, per language: one sentence per narration key, the help line of
 * every key binding, the notices shown after an action, and the pane titles. en.ts and zh.ts implement
 * it; the type makes a missing translation a compile error.
 */
import type { Narration, ProfileField } from '../model.js';
import type { HelpKey } from '../state/keymap.js';
import type { Notice } from '../state/player.js';

export type Lang = 'en' | 'zh';

export interface UiWords {
  readonly playing: string;
  readonly paused: string;
  readonly speed: string;
  readonly event: string;
  readonly seed: string;
  readonly loss: string;
  readonly help: string;
  readonly helpTitle: string;
  readonly pickerTitle: string;
  readonly pickerHint: string;
  readonly ladder: string;
  readonly diagram: string;
  readonly inspector: string;
  readonly timers: string;
  readonly noTimers: string;
  readonly noSegment: string;
  readonly start: string;
  readonly lastTransition: string;
  readonly tooSmall: string;
  readonly profile: string;
  /** Title of the profile overlay, given the base profile's name. */
  readonly profileTitle: (base: string) => string;
  /** Says what the mark on overridden fields means, and how to close the overlay. */
  readonly profileHint: string;
  /** Derived numbers shown beside a field. */
  readonly timeWait: (duration: string) => string;
  readonly givesUpAfter: (duration: string) => string;
  /** Beside a 0 that switches a timer off. */
  readonly off: string;
  /** Between a derived number and a description ('; ', or the full-width '；'). */
  readonly separator: string;
}

export interface Strings {
  readonly lang: Lang;
  narrate(n: Narration): string;
  /** Why a step or an intervention could not run (the runner says it in English), in this language. */
  failure(message: string): string;
  /** For trace events the view model does not narrate (scenario steps, cancelled timers...). */
  unnarrated(type: string): string;
  readonly help: Readonly<Record<HelpKey, string>>;
  readonly notice: Readonly<Record<Notice, string>>;
  readonly ui: UiWords;
  /** One line per TCP profile field: what it is, with the RFC clause. */
  readonly profileFields: Readonly<Record<ProfileField, string>>;
}

/** Flags as people write them in prose: SYN+ACK, FIN+ACK. */
export function flagText(flags: readonly string[]): string {
  return flags.length === 0 ? '(no flags)' : flags.join('+');
}

/** RFC 6455 7.4.1 status codes, by number. */
export const CLOSE_CODES: Readonly<Record<number, { en: string; zh: string }>> = {
  1000: { en: 'normal closure', zh: '正常关闭' },
  1001: { en: 'going away', zh: '端点离开' },
  1002: { en: 'protocol error', zh: '协议错误' },
  1003: { en: 'unsupported data', zh: '不支持的数据类型' },
  1005: { en: 'no status code', zh: '没有状态码' },
  1006: { en: 'abnormal closure, no close frame', zh: '异常关闭，没有收到关闭帧' },
  1007: { en: 'invalid payload data, e.g. bad UTF-8', zh: '载荷数据无效，比如 UTF-8 编码错误' },
  1008: { en: 'policy violation', zh: '违反策略' },
  1009: { en: 'message too big', zh: '消息太大' },
  1010: { en: 'missing extension', zh: '缺少扩展' },
  1011: { en: 'internal error', zh: '服务器内部错误' },
};

/**
 * A segment that takes no sequence space: no data, no SYN, no FIN. RFC 9293 3.8.1 retransmits only
 * what occupies sequence space, so a lost bare ACK (or RST) is never sent again; a later cumulative ACK
 * says everything it said.
 */
export function takesNoSequenceSpace(flags: readonly string[], len: number): boolean {
  return len === 0 && !flags.includes('SYN') && !flags.includes('FIN');
}

/** Why a segment was dropped (tcp-sim's DropReason), in words; a reason from a newer trace as it is. */
export const DROP_REASONS: Readonly<Record<string, { en: string; zh: string }>> = {
  loss: { en: 'random loss on the link', zh: '链路随机丢包' },
  fault: { en: 'an injected fault', zh: '人为注入的故障' },
  partition: { en: 'the network is partitioned', zh: '网络分区' },
  checksum: { en: 'bad checksum', zh: '校验和错误' },
  malformed: { en: 'malformed header', zh: '报头格式错误' },
  mtu: { en: 'larger than the path MTU', zh: '超过路径 MTU' },
  'no-route': { en: 'no route to the host', zh: '没有到达该主机的路由' },
  'no-listener': { en: 'nothing listens on that port', zh: '该端口上没有监听者' },
  backlog: { en: 'the listen backlog is full', zh: '监听队列已满' },
  unacceptable: { en: 'not acceptable in its state', zh: '在当前状态下不可接受' },
};

/** An error's code and message, without saying the code twice when the message starts with it. */
export function errorText(code: string, message: string): string {
  return message.startsWith(code) ? message : `${code}: ${message}`;
}

/** The compiler proves every cwnd phase has a sentence; a phase from a newer trace still gets one. */
export function unknownPhase(phase: never): string {
  return `cwnd changed (${String(phase)}).`;
}
