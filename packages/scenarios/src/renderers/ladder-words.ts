/**
 * The words of the text ladder, per language. Protocol names (flags, seq/ack, TCP and WebSocket state
 * names, `onclose`, timer names) stay as the RFCs and the API spell them in every language; only the
 * prose around them is translated.
 */
export type LadderLang = 'en' | 'zh';

export interface LadderWords {
  readonly timeHeader: string;
  readonly messageKind: Readonly<Record<'text' | 'binary', string>>;
  readonly bytes: (n: number) => string;
  readonly unclean: string;
  readonly wsError: (code: string, closeCode: number) => string;
  readonly timerFired: (timer: string) => string;
  readonly error: (code: string) => string;
  readonly retransmission: string;
  readonly duplicate: string;
  readonly corrupted: string;
  readonly droppedByFault: string;
  readonly lost: string;
  readonly discarded: (reason: string) => string;
}

export const LADDER_WORDS: Readonly<Record<LadderLang, LadderWords>> = {
  en: {
    timeHeader: 'time (ms)',
    messageKind: { text: 'text', binary: 'binary' },
    bytes: (n) => `${n} bytes`,
    unclean: ' (unclean)',
    wsError: (code, closeCode) => `ws error ${code} → close ${closeCode}`,
    timerFired: (timer) => `${timer} timer fired`,
    error: (code) => `error ${code}`,
    retransmission: '(retransmission)',
    duplicate: '(duplicate)',
    corrupted: ' (corrupted: bad checksum)',
    droppedByFault: ' (dropped by fault)',
    lost: ' (lost)',
    discarded: (reason) => ` (discarded: ${reason})`,
  },
  zh: {
    timeHeader: '时间 (ms)',
    messageKind: { text: '文本', binary: '二进制' },
    bytes: (n) => `${n} 字节`,
    unclean: '（非正常关闭）',
    wsError: (code, closeCode) => `ws 错误 ${code} → 关闭 ${closeCode}`,
    timerFired: (timer) => `${timer} 计时器到期`,
    error: (code) => `错误 ${code}`,
    retransmission: '（重传）',
    duplicate: '（重复）',
    corrupted: '（损坏：校验和错误）',
    droppedByFault: '（被故障丢弃）',
    lost: '（丢失）',
    discarded: (reason) => `（被丢弃：${reason}）`,
  },
};
