/**
 * 中文讲解: 每个 trace 事件一句话, 内容按 RFC 9293 (TCP) 与 RFC 6455 (WebSocket) 核对过。
 * 视图里的序号是相对各自初始序号的 (和 Wireshark 的"相对序号"一样), 所以客户端的 ISN x 显示为 seq=0。
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
  return a.carries === undefined ? '' : `，载荷是 ${a.carries}`;
}

function segmentSent(a: ArrowView, first: 1 | 2 | 3 | undefined): string {
  if (first === 1 && a.retransmission) {
    return `${a.from} 重传 SYN（seq=${a.seq}，初始序号 x 不变）：重传计时器到期前没有等到 SYN+ACK，超时时间随之加倍（RFC 6298 5.5）。`;
  }
  if (first === 2 && a.retransmission) {
    return `${a.from} 重传 SYN+ACK（ack=${a.ack}）：对自己 SYN 的确认没有按时到达，或者客户端的 SYN 又到了一次。`;
  }
  if (first === 1) {
    return `${a.from} 发出三次握手的第一个报文段：SYN，携带自己的初始序号 x（相对序号 seq=${a.seq}），不带数据；${a.from} 进入 SYN-SENT。`;
  }
  if (first === 2) {
    return `${a.from} 回复 SYN+ACK：携带自己的初始序号 y，确认号 ack=x+1（${a.ack}），因为客户端的 SYN 本身占用一个序号；${a.from} 处于 SYN-RCVD。`;
  }
  if (first === 3) {
    return `${a.from} 发出三次握手的第三个报文段：ACK，ack=y+1（${a.ack}）；${a.from} 已进入 ESTABLISHED，服务器收到这个 ACK 后也会进入。`;
  }
  const what = `${a.from} 发送 ${flagText(a.flags)} ${numbersText(a)}${carries(a)}`;
  if (a.retransmission)
    return `${what}。这是重传：先前发出的那一份没有得到确认（重传计时器到期，或重复 ACK 表明它丢了）。`;
  if (a.flags.includes('RST')) return `${what}。RST 立即中止连接；任何一方都不会应答 RST。`;
  if (a.flags.includes('FIN'))
    return `${what}。FIN 表示 ${a.from} 不再发送数据；FIN 占用一个序号，需要对方确认。`;
  if (a.len === 0 && a.flags.includes('ACK'))
    return `${what}：纯 ACK，意思是"第 ${a.ack} 字节之前的数据都已收到"。`;
  return `${what}。`;
}

function segmentDelivered(a: ArrowView): string {
  const dup = a.copy > 0 ? '（这是链路复制出的重复报文，TCP 会丢弃重复的字节）' : '';
  return `${a.to} 收到 ${a.from} 发来的 ${flagText(a.flags)} ${numbersText(a)}${carries(a)}${dup}。`;
}

function segmentLost(a: ArrowView, reason: string): string {
  const why = DROP_REASONS[reason]?.zh ?? reason;
  const seg = `${flagText(a.flags)} ${numbersText(a)}`;
  // 只有占用序号空间的内容才会重传（RFC 9293 3.8.1）；RST 既不应答也不重传。
  const after = a.flags.includes('RST')
    ? 'RST 从不重传'
    : takesNoSequenceSpace(a.flags, a.len)
      ? '不带数据的 ACK 从不重传，之后的累积确认会涵盖它'
      : `等重传计时器到期（或重复 ACK 更早提示），${a.from} 会重传它`;
  if (a.fate === 'refused') return `${a.from} 发出的 ${seg} 到达了 ${a.to}，但被丢弃（${why}）。`;
  if (a.fate === 'corrupted') {
    return `${a.from} 发出的 ${seg} 在传输中损坏；${a.to} 发现校验和不对，将其静默丢弃，效果等同丢包：${after}。`;
  }
  return `${a.from} 发给 ${a.to} 的 ${seg} 在链路上丢失（${why}）；${after}。`;
}

const TRANSITIONS: Readonly<Record<string, (ep: string) => string>> = {
  'CLOSED>LISTEN': (ep) => `${ep} 被动打开，等待对方的 SYN（LISTEN）。`,
  'CLOSED>SYN-SENT': (ep) => `${ep} 主动打开：SYN 已发出，正在等 SYN+ACK（SYN-SENT）。`,
  'LISTEN>SYN-RCVD': (ep) => `${ep} 收到 SYN 并回复 SYN+ACK，正在等对方确认自己的 SYN（SYN-RCVD）。`,
  'LISTEN>SYN-SENT': (ep) => `${ep} 在监听时被要求发送数据，于是自己发出 SYN（SYN-SENT）。`,
  'SYN-SENT>SYN-RCVD': (ep) =>
    `${ep} 在等 SYN+ACK 时收到了一个不带 ACK 的 SYN：双方同时打开，它回复 SYN+ACK（SYN-RCVD）。`,
  'SYN-SENT>ESTABLISHED': (ep) =>
    `${ep} 收到确认了自己 SYN 的 SYN+ACK，并回复 ACK：这一端的连接已建立（ESTABLISHED）。`,
  'SYN-RCVD>ESTABLISHED': (ep) => `${ep} 收到了对自己 SYN 的确认：三次握手完成，${ep} 进入 ESTABLISHED。`,
  'SYN-RCVD>LISTEN': (ep) => `${ep} 的半开连接被对方重置，回到 LISTEN。`,
  'SYN-RCVD>FIN-WAIT-1': (ep) => `${ep} 在握手完成前就关闭了：FIN 已发出（FIN-WAIT-1）。`,
  'ESTABLISHED>FIN-WAIT-1': (ep) => `${ep} 关闭自己的发送方向：FIN 已发出，等对方确认（FIN-WAIT-1）。`,
  'ESTABLISHED>CLOSE-WAIT': (ep) =>
    `${ep} 收到 FIN，知道对方不会再发数据；它回复 ACK，等待自己的应用程序关闭（CLOSE-WAIT）。`,
  'FIN-WAIT-1>FIN-WAIT-2': (ep) => `${ep} 的 FIN 得到确认；它还能接收数据，继续等对方的 FIN（FIN-WAIT-2）。`,
  'FIN-WAIT-1>CLOSING': (ep) => `${ep} 在自己的 FIN 被确认之前先收到了对方的 FIN：双方同时关闭（CLOSING）。`,
  'FIN-WAIT-1>TIME-WAIT': (ep) => `${ep} 同时收到对自己 FIN 的确认和对方的 FIN；回复 ACK 后进入 TIME-WAIT。`,
  'FIN-WAIT-2>TIME-WAIT': (ep) =>
    `${ep} 收到对方的 FIN 并回复 ACK；它要在 TIME-WAIT 停留 2MSL：万一最后的 ACK 丢失还能重发，也让网络中残留的旧报文自然消亡。`,
  'CLOSING>TIME-WAIT': (ep) => `${ep} 的 FIN 得到确认，进入 TIME-WAIT 等待 2MSL。`,
  'CLOSE-WAIT>LAST-ACK': (ep) => `${ep} 的应用程序也关闭了：FIN 已发出，等最后一个 ACK（LAST-ACK）。`,
  'LAST-ACK>CLOSED': (ep) => `${ep} 的 FIN 得到确认：这一端的连接彻底结束（CLOSED）。`,
  'TIME-WAIT>CLOSED': (ep) => `2MSL 已过：${ep} 删除这条连接（CLOSED）。`,
};

function stateChange(ep: string, t: TransitionView): string {
  const known = TRANSITIONS[`${t.from}>${t.to}`];
  if (known !== undefined) return known(ep);
  if (t.to === 'CLOSED')
    return `${ep} 从 ${t.from} 直接进入 CLOSED（${causeText(t.cause)}）：连接已不复存在。`;
  return `${ep} 从 ${t.from} 转换到 ${t.to}（${causeText(t.cause)}）。`;
}

/**
 * tcp-sim 用英文写出状态转换的依据（如 "3.10.7.3 second: RST with acceptable ACK in SYN-SENT"）：
 * 中文只保留条款号，并把常见的原因说成中文。
 */
function causeText(cause: string): string {
  const clause = /^(?:RFC \d+ )?\d+(?:\.\d+)*/.exec(cause)?.[0];
  const ref = clause === undefined ? undefined : clause.startsWith('RFC') ? clause : `RFC 9293 ${clause}`;
  const what = /unread data|after CLOSE/.test(cause)
    ? '关闭时仍有数据未读，于是发出 RST'
    : /\bRST\b/.test(cause)
      ? '收到了可接受的 RST'
      : /ABORT/.test(cause)
        ? '应用程序中止了连接'
        : /timeout|retransmission|retries/i.test(cause)
          ? '重传次数用尽'
          : undefined;
  const parts = [what, ref].filter((p) => p !== undefined);
  return parts.length === 0 ? cause : parts.join('，');
}

function timerSet(ep: string, t: TimerView): string {
  const ms = roundMs(t.deadline - t.setAt);
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep} 启动重传计时器：${ms} ms 内收不到 ACK，就重传这个报文段。`;
    case '2MSL':
      return `${ep} 启动 TIME-WAIT 计时器：2MSL = ${ms} ms，到期后才能删除这条连接。`;
    case 'PERSIST':
    case 'persist':
      return `${ep} 启动坚持计时器：对方的窗口为零，${ms} ms 后发送探测，看窗口是否重新打开。`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep} 延迟发送 ACK，最多等 ${ms} ms，以便捎带在数据报文里一起发出。`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep} 启动保活计时器：连接空闲 ${ms} ms 后，探测对方是否还在。`;
    case 'USER':
      return `${ep} 启动用户超时计时器：数据若 ${ms} ms 内仍未得到确认，就放弃这条连接（RFC 9293 3.10.8）。`;
    case 'FIN-WAIT-2':
      return `${ep} 启动 FIN-WAIT-2 计时器：${ms} ms 内等不到对方的 FIN，就丢弃这条连接（Linux 的行为）。`;
    default:
      return `${ep} 启动 ${t.kind} 计时器，${ms} ms 后到期。`;
  }
}

function timerFired(ep: string, t: TimerView): string {
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep} 的重传计时器到期：重传最早一个未被确认的报文段，并把超时时间加倍（RFC 6298 5.4、5.5）。`;
    case '2MSL':
      return `${ep} 的 2MSL 计时器到期：TIME-WAIT 结束，连接被删除。`;
    case 'PERSIST':
    case 'persist':
      return `${ep} 的坚持计时器到期：发送窗口探测。`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep} 的延迟确认计时器到期：单独发出 ACK。`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep} 的保活计时器到期：向空闲的对方发送保活探测。`;
    case 'USER':
      return `${ep} 的用户超时到期：数据太久未得到确认，连接被中止。`;
    case 'FIN-WAIT-2':
      return `${ep} 的 FIN-WAIT-2 计时器到期：对方一直没发 FIN，连接被丢弃。`;
    default:
      return `${ep} 的 ${t.kind} 计时器到期。`;
  }
}

function wsState(ep: string, from: string, to: string): string {
  switch (`${from}>${to}`) {
    case 'CONNECTING>OPEN':
      return `${ep} 的 readyState 变为 OPEN（1）：101 Switching Protocols 响应中的 Sec-WebSocket-Accept 校验通过，可以收发消息了。`;
    case 'OPEN>CLOSING':
      return `${ep} 的 readyState 变为 CLOSING（2）：已发出或收到关闭帧，正在等另一方的关闭帧。`;
    case 'CLOSING>CLOSED':
      return `${ep} 的 readyState 变为 CLOSED（3）：双方已交换关闭帧，底层的 TCP 连接随之关闭。`;
    case 'CONNECTING>CLOSED':
      return `${ep} 的 readyState 变为 CLOSED（3）：开启握手失败。`;
    default:
      return `${ep} 的 readyState 从 ${from} 变为 ${to}。`;
  }
}

function timerCancelled(ep: string, t: TimerView, cause: TimerStopCause | undefined): string {
  if (cause === 'closed') return `${ep} 的连接已不复存在，它的 ${t.kind} 计时器随之停止。`;
  if (cause === 'time-wait') {
    return `${ep} 进入 TIME-WAIT，停掉 ${t.kind} 计时器：此后只剩 2MSL 计时器在运行（RFC 9293 3.10.7.4）。`;
  }
  if (cause === 'restarted') {
    return `${ep} 在 TIME-WAIT 中再次收到对方的 FIN（说明它最后的 ACK 丢了）：再确认一次，并重新开始 2MSL 计时（RFC 9293 3.10.7.4）。`;
  }
  switch (t.kind) {
    case 'RTO':
      return `${ep} 停止重传计时器：新数据得到了确认（RFC 6298 5.2、5.3：若仍有未确认的数据，会重新启动）。`;
    case 'SYN':
      return `${ep} 停止 SYN 重传计时器：握手报文段得到了回应。`;
    case '2MSL':
      return `${ep} 停止 2MSL 计时器。`;
    case 'PERSIST':
      return `${ep} 停止窗口探测：对方的窗口重新打开了。`;
    case 'DELACK':
      return `${ep} 不再需要延迟确认计时器：ACK 已捎带在数据中发出，或已立即发出。`;
    case 'KEEPALIVE':
      return `${ep} 停止保活计时器：连接不再空闲。`;
    case 'USER':
      return `${ep} 停止用户超时计时器：未确认的数据按时得到了确认。`;
    case 'FIN-WAIT-2':
      return `${ep} 停止 FIN-WAIT-2 计时器：对方的 FIN 到了。`;
    default:
      return `${ep} 取消 ${t.kind} 计时器。`;
  }
}

function segmentFault(a: ArrowView, fault: string, delay: number): string {
  const seg = `${a.from} 的 ${flagText(a.flags)} seq=${a.seq} len=${a.len}`;
  // 单纯的 ACK 不占序号：接收方没有要丢弃或再确认的东西。
  const bare = a.len === 0 && !a.flags.some((f) => f === 'SYN' || f === 'FIN' || f === 'RST');
  if (a.flags.includes('RST') && fault === 'duplicated') {
    return `链路把 ${seg} 复制了一份：第一份重置了连接；第二份到达时连接已不存在，因而被丢弃（RFC 9293 3.10.7.1）。`;
  }
  switch (fault) {
    case 'duplicated':
      return bare
        ? `链路把 ${seg} 复制了一份：副本没有确认任何新数据；对尚有未确认数据的发送方来说，它算作一个重复 ACK（RFC 5681 2）。`
        : `链路把 ${seg} 复制了一份，将多到达一份；${a.to} 认出这些序号已经收过，丢弃副本并再确认一次。`;
    case 'corrupted':
      return `链路在传输中损坏了 ${seg}：${a.to} 的校验和检查将失败，它会静默丢弃这个报文段，效果等同丢包。`;
    case 'reordered':
      return bare
        ? `链路把 ${seg} 滞留 ${delay} ms，后发的报文段先到；比已收到的 ACK 更旧的 ACK 会被忽略（RFC 9293 3.10.7.4）。`
        : `链路把 ${seg} 滞留 ${delay} ms，后发的报文段先到：${a.to} 收到乱序数据，先缓存起来，只确认到缺口处（产生重复 ACK）。`;
    default:
      return `链路让 ${seg} 额外延迟 ${delay} ms。`;
  }
}

function cwnd(n: Extract<Narration, { key: 'cwnd' }>): string {
  const { endpoint: ep, cwnd, ssthresh, flight } = n;
  const threshold = isSsthreshUnset(ssthresh) ? '尚未丢包，ssthresh 还未设定' : `ssthresh ${ssthresh}`;
  switch (n.phase) {
    case 'initial':
      return `${ep} 的拥塞窗口从初始窗口 ${cwnd} 字节开始（RFC 5681 3.1）；${threshold}。`;
    case 'fast-retransmit':
      return `${ep} 收到第三个重复 ACK：立即重传缺失的报文段并进入快速恢复，ssthresh ${ssthresh}，cwnd ${cwnd}（RFC 5681 3.2）。`;
    case 'fast-recovery':
      return `快速恢复期间又收到一个重复 ACK：说明又有一个报文段离开了网络，${ep} 的 cwnd 增加一个报文段，变为 ${cwnd}（RFC 5681 3.2）。`;
    case 'partial-ack':
      return `快速恢复期间收到部分确认：${ep} 立即重传下一个缺口处的报文段，继续留在快速恢复，cwnd ${cwnd}（RFC 6582 3.2）。`;
    case 'recovery-exit':
      return `收到完整确认，${ep} 退出快速恢复：cwnd 收缩到 ${cwnd} 字节，${threshold}（RFC 6582 3.2）。`;
    case 'timeout':
      return `重传超时后，${ep} 把 ssthresh 设为 ${ssthresh}（在途数据量的一半，至少两个报文段），cwnd 降为一个报文段，即 ${cwnd} 字节（RFC 5681 3.1）。`;
    case 'slow-start':
      return `${ep} 的 cwnd 现为 ${cwnd} 字节，在途 ${flight} 字节，${threshold}：处于慢启动，每收到一个 ACK 约增加一个报文段（RFC 5681 3.1）。`;
    case 'congestion-avoidance':
      return `${ep} 的 cwnd 现为 ${cwnd} 字节，在途 ${flight} 字节，${threshold}：处于拥塞避免，每个往返时间约增加一个报文段（RFC 5681 3.1）。`;
    default:
      return unknownPhase(n.phase);
  }
}

function appEvent(ep: string, event: string): string {
  switch (event) {
    case 'connect':
      return `${ep} 的应用程序得知连接已建立（'connect' 事件）：现在可以发送数据了。`;
    case 'connection':
      return `${ep} 上正在监听的应用程序接受了一条已建立的新连接（'connection' 事件）。`;
    case 'end':
      return `${ep} 的应用程序读到了对方字节流的末尾（'end' 事件）：对方的 FIN 已到，不会再有数据。`;
    case 'close':
      return `${ep} 的套接字已完全关闭（'close' 事件）。`;
    case 'drain':
      return `${ep} 的发送缓冲区又有空间了（'drain' 事件）：应用程序可以继续写入。`;
    default:
      return `${ep} 的应用程序收到 '${event}' 事件。`;
  }
}

function handshake(n: Extract<Narration, { key: 'ws-handshake' }>): string {
  const ep = n.endpoint;
  if (n.kind === 'request') {
    return n.direction === 'sent'
      ? `${ep} 发出 WebSocket 开启握手请求（RFC 6455 4.1）："${n.line}"，共 ${n.length} 字节的 HTTP，带有 Upgrade: websocket、随机生成的 Sec-WebSocket-Key 和版本号 13。`
      : `${ep} 读到升级请求"${n.line}"，逐项检查 Host、Upgrade、Connection、16 字节的 Sec-WebSocket-Key 和版本号 13（RFC 6455 4.2.1）。`;
  }
  if (n.status === 101) {
    return n.direction === 'sent'
      ? `${ep} 以"${n.line}"接受升级，Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))（RFC 6455 4.2.2）。`
      : `${ep} 读到"${n.line}"，用自己发出的 Sec-WebSocket-Key 校验 Sec-WebSocket-Accept（RFC 6455 4.1）；此后字节流上传输的就是 WebSocket 帧。`;
  }
  return n.direction === 'sent'
    ? `${ep} 以"${n.line}"拒绝升级（RFC 6455 4.2.1、4.2.2：请求有误回 400；版本不支持回 426，并在 Sec-WebSocket-Version 中列出支持的版本）；WebSocket 未能建立。`
    : `${ep} 收到的是"${n.line}"而不是 101 Switching Protocols：服务器拒绝了升级，WebSocket 连接失败（RFC 6455 4.1）。`;
}

/** tcp-sim 报给应用程序的错误（与 Node 的错误码同名）。 */
const TCP_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: '连接被拒绝（对方端口上没有监听者，回了 RST）',
  ECONNRESET: '连接被对方重置',
  ETIMEDOUT: '重传次数达到上限，连接超时',
  EPIPE: '发送方向已关闭，不能再写入',
  EADDRINUSE: '端口已被占用',
  EADDRNOTAVAIL: '没有可用的临时端口',
};

/** ws-frame 的错误码（WS_ERR_*）对应的中文说明；未知的错误码保留原文。 */
const WS_ERRORS: Readonly<Record<string, string>> = {
  WS_ERR_INVALID_OPCODE: '帧使用了未定义的操作码',
  WS_ERR_UNEXPECTED_RSV: '没有协商扩展，RSV 位却不为 0',
  WS_ERR_EXPECTED_MASK: '客户端发来的帧没有加掩码',
  WS_ERR_UNEXPECTED_MASK: '服务器发来的帧加了掩码',
  WS_ERR_FRAGMENTED_CONTROL_FRAME: '控制帧不允许分片',
  WS_ERR_CONTROL_FRAME_TOO_LONG: '控制帧的载荷超过 125 字节',
  WS_ERR_INVALID_PAYLOAD_LENGTH: '载荷长度编码无效',
  WS_ERR_UNEXPECTED_CONTINUATION: '没有待续的消息，却收到了延续帧',
  WS_ERR_EXPECTED_CONTINUATION: '分片消息尚未结束，却收到了新的数据帧',
  WS_ERR_INVALID_CLOSE_PAYLOAD: '关闭帧的载荷无效',
  WS_ERR_INVALID_CLOSE_CODE: '关闭帧里的状态码不允许使用',
  WS_ERR_INVALID_UTF8: '文本消息不是有效的 UTF-8',
  WS_ERR_MESSAGE_TOO_BIG: '消息超过了允许的大小',
  WS_ERR_TOO_MANY_FRAGMENTS: '消息分片过多',
  WS_ERR_HANDSHAKE_FAILED: '开启握手失败',
  WS_ERR_ABNORMAL_CLOSURE: '连接在交换关闭帧之前就断开了',
};

/** 运行器报告步骤或干预无法执行时的英文原因，译成中文；认不出的保留原文。 */
const FAILURES: readonly [RegExp, (...m: string[]) => string][] = [
  [
    /^intervention after event (\d+): (.*)$/,
    (n, rest) => `第 ${Number(n) + 1} 个事件之后的干预：${failureText(rest ?? '')}`,
  ],
  [/^intervention at ([\d.]+) ms: (.*)$/, (t, rest) => `${t} ms 处的干预：${failureText(rest ?? '')}`],
  [/^(\S+)'s WebSocket is (\S+), not OPEN$/, (ep, st) => `${ep} 的 WebSocket 处于 ${st} 状态，而不是 OPEN`],
  [
    /^(\S+) has no WebSocket connection to (\S+) on$/,
    (ep, what) => `${ep} 还没有可以执行 ${what} 的 WebSocket 连接`,
  ],
  [/^(\S+) has no WebSocket connection to write frames on$/, (ep) => `${ep} 还没有可以写帧的 WebSocket 连接`],
  [/^(\S+) has no connection to (\S+)$/, (ep, what) => `${ep} 没有可以执行 ${what} 的连接`],
  [/^(\S+) has no connection to write to$/, (ep) => `${ep} 没有可以写入的连接`],
  [/^no endpoint (\S+)$/, (ep) => `没有名为 ${ep} 的端点`],
];

export function failureText(message: string): string {
  for (const [pattern, say] of FAILURES) {
    const m = pattern.exec(message);
    if (m !== null) return say(...m.slice(1));
  }
  return message;
}

const STEP_ACTIONS: Readonly<Record<string, string>> = {
  listen: '开始监听',
  connect: '建立 TCP 连接',
  open: '打开 WebSocket',
  send: '发送一条消息',
  ping: '发送 ping',
  close: '开始 WebSocket 关闭握手',
  frames: '写出手工构造的 WebSocket 帧',
  raw: '向字节流写入原始字节',
  shutdown: '关闭自己的发送方向（FIN）',
  abort: '中止连接（RST）',
  'pause-reading': '停止从套接字读取',
  'resume-reading': '重新从套接字读取',
};

function scenarioStep(n: Extract<Narration, { key: 'scenario-step' }>): string {
  const where = `场景第 ${n.step} 步（第 ${n.line} 行）`;
  if (n.action === 'wait' || n.by === '') return `${where}：等待。`;
  return `${where}：${n.by} ${STEP_ACTIONS[n.action] ?? `执行 '${n.action}'`}。`;
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
      if (n.direction === 'sent') {
        const mask = n.masked
          ? '载荷已用 4 字节的掩码键做了掩码处理，客户端发往服务器的帧都必须如此（RFC 6455 5.3）'
          : '未加掩码，服务器发往客户端的帧不加掩码';
        return `${n.endpoint} 发出一个 WebSocket ${n.opcode} 帧，载荷 ${n.length} 字节，${mask}。`;
      }
      const unmask = n.masked ? '，并用帧头中的掩码键还原出载荷' : '';
      return `${n.endpoint} 解析出一个 WebSocket ${n.opcode} 帧，载荷 ${n.length} 字节${unmask}。`;
    }
    case 'ws-message':
      return n.text === undefined
        ? `${n.endpoint} 的应用程序收到一条 ${n.length} 字节的二进制消息。`
        : `${n.endpoint} 的应用程序收到文本消息"${n.text}"（UTF-8 编码，共 ${n.length} 字节）。`;
    case 'ws-state':
      return wsState(n.endpoint, n.from, n.to);
    case 'ws-close': {
      const meaning = CLOSE_CODES[n.code]?.zh ?? '由应用定义';
      const reason = n.reason === '' ? '' : `，原因"${n.reason}"`;
      return `${n.endpoint}：WebSocket 以状态码 ${n.code}（${meaning}）关闭${reason}。`;
    }
    case 'app-call':
      return `${n.endpoint} 的应用程序调用 ${n.call}()。`;
    case 'error':
      return `${n.endpoint} 报告错误 ${n.code}：${TCP_ERRORS[n.code] ?? errorText(n.code, n.message)}。`;
    case 'timer-cancelled':
      return timerCancelled(n.endpoint, n.timer, n.cause);
    case 'segment-fault':
      return segmentFault(n.arrow, n.fault, n.delay);
    case 'cwnd':
      return cwnd(n);
    case 'app-data':
      return `TCP 按顺序把 ${n.length} 字节交给 ${n.endpoint} 的应用程序：即对方字节流中的第 ${n.offset}–${n.offset + n.length - 1} 字节。`;
    case 'app-event':
      return appEvent(n.endpoint, n.event);
    case 'ws-handshake':
      return handshake(n);
    case 'ws-error': {
      const meaning = CLOSE_CODES[n.closeCode]?.zh ?? '由应用定义';
      return `${n.endpoint} 判定 WebSocket 失败（RFC 6455 7.1.7）：${WS_ERRORS[n.code] ?? n.message}；以 ${n.closeCode}（${meaning}）关闭。`;
    }
    case 'scenario-step':
      return scenarioStep(n);
    case 'scenario-failure':
      return n.step === undefined
        ? `一项干预无法执行：${failureText(n.message)}。`
        : `场景第 ${n.step} 步无法执行：${failureText(n.message)}。`;
  }
}

export const zh: Strings = {
  lang: 'zh',
  narrate,
  failure: failureText,
  unnarrated: (type) =>
    ({
      'scenario.step': '场景时间线执行下一步。',
      'timer.cancelled': '一个计时器被取消：它所等待的事情已经发生。',
      'ws.handshake': '一条 WebSocket 握手消息（HTTP Upgrade）经过字节流。',
      'ws.message': '一条 WebSocket 消息交给了发送方。',
      'app.call': '应用程序调用了它的 TCP 端点。',
      'app.data': 'TCP 把按序收到的字节交给应用程序。',
    })[type] ?? `跟踪事件：${type}。`,
  help: {
    'play-pause': '播放 / 暂停',
    step: '前进一个事件',
    back: '后退一个事件（用同一个种子重放）',
    start: '回到开头',
    end: '跳到结尾',
    faster: '加速',
    slower: '减速',
    'next-state': '跳到下一次状态变化',
    'select-up': '选中上一个报文段',
    'select-down': '选中下一个报文段',
    follow: '重新跟随最新的报文段',
    pane: '在状态图与报文检查器之间切换',
    scroll: '滚动报文检查器',
    drop: '丢掉下一个报文段',
    corrupt: '损坏下一个报文段',
    loss: '开关随机丢包（20%）',
    send: '从客户端发一条消息',
    close: '关闭 WebSocket（状态码 1000）',
    abort: '强行中止连接（RST）',
    restart: '换一个新种子重新运行',
    picker: '打开其他场景',
    profile: 'TCP 配置的数值（计时器，Linux 与 RFC 的差别）',
    help: '显示本帮助',
    quit: '退出',
    count: '给下一个按键指定次数：10l 前进十个事件，120G 跳到第 120 个事件',
    undo: '撤销上一次改动（丢包、发消息、关闭等）',
  },
  notice: {
    'drop-next': '下一个报文段将被丢弃',
    'corrupt-next': '下一个报文段将被损坏',
    'loss-on': '随机丢包已开启（20%）',
    'loss-off': '随机丢包已关闭',
    'message-sent': '客户端发出了一条消息',
    'close-sent': '客户端以状态码 1000 关闭',
    'abort-sent': '客户端中止了连接',
    restarted: '已换新种子重新运行',
    'no-client': '这个场景没有客户端',
    'at-end': '已到结尾',
    'at-start': '已在开头',
    'no-state-change': '后面没有状态变化了',
    refused: '没有执行',
    undone: '已撤销上一次改动',
    'nothing-to-undo': '没有可撤销的改动',
  },
  ui: {
    playing: '播放中',
    paused: '已暂停',
    speed: '速度',
    event: '事件',
    seed: '种子',
    loss: '丢包',
    help: '? 帮助',
    helpTitle: '按键',
    pickerTitle: '打开场景',
    pickerHint: '↑/↓ 选择，回车打开，esc 返回',
    ladder: '报文段',
    diagram: 'TCP 状态图（RFC 9293 图 5）',
    inspector: '报文检查器',
    timers: '计时器',
    noTimers: '没有运行中的计时器',
    noSegment: '还没有选中的报文段',
    start: '按空格键播放，→ 单步前进，? 查看帮助。',
    lastTransition: '最近一次转换',
    tooSmall: '终端太小：至少需要 60x16。',
    profile: '配置',
    profileTitle: (base) => `TCP 配置：${base}，本次运行用到的全部数值`,
    profileHint: '* = 场景自己设定的（文件里的 profile:）；按 t 或 esc 关闭',
    timeWait: (d) => `TIME-WAIT ${d}`,
    off: '关闭',
    separator: '；',
    givesUpAfter: (d) => `${d} 后放弃`,
  },
  profileFields: {
    rtoInitial: '还没有 RTT 样本时的 RTO（RFC 6298 2.1）',
    rtoMin: 'RTO 下限（RFC 6298 2.4）',
    rtoMax: 'RTO 上限（RFC 6298 2.5）',
    rtoAfterSynLoss: 'SYN 丢失后开始传数据时的 RTO（RFC 6298 5.7）',
    clockGranularity: '时钟粒度 G（RFC 6298 2.2）',
    msl: '报文段最大生存时间，TIME-WAIT 为 2 MSL（RFC 9293 3.4.2）',
    synRetries: 'SYN 与 SYN-ACK 放弃前的重传次数',
    dataRetries: '数据或 FIN 报 ETIMEDOUT 前的重传次数（RFC 1122 4.2.3.5）',
    delayedAckMax: '延迟确认最长等待，0 = 关闭（RFC 9293 3.8.6.3）',
    delayedAckMin: '延迟确认最短等待',
    initialWindow: '初始拥塞窗口，单位报文段（RFC 6928、RFC 5681 3.1）',
    abortRstWithAck: 'ABORT 发 RST+ACK（Linux）还是单独的 RST（RFC 9293 3.10.5）',
    zeroWindowProbe: '零窗口探测：下一个字节（RFC）或 SND.UNA-1 处的空报文（Linux）',
    probeRetries: '零窗口探测无应答多少次后中止连接',
    rstInTimeWait: 'TIME-WAIT 中可接受的 RST：关闭（RFC 9293）或忽略（RFC 1337）',
    rfc5961: '窗口内的 RST 和 SYN 回挑战 ACK（RFC 5961）',
    nagle: '新套接字启用 Nagle 算法（RFC 1122 4.2.3.4）',
    keepAliveIdle: '第一个保活探测前的空闲时间（RFC 1122 4.2.3.6）',
    keepAliveInterval: '无应答的保活探测之间的间隔',
    keepAliveProbes: '保活探测无应答多少次后报 ETIMEDOUT',
    keepAlive: '新套接字启用保活（RFC 1122 4.2.3.6：默认关闭）',
    userTimeout: '用户超时，0 = 关闭（RFC 9293 3.8.3、RFC 5482）',
    finWait2Timeout: 'FIN-WAIT-2 超时，0 = 一直等（Linux tcp_fin_timeout）',
    windowScale: '提供的窗口缩放位数，false = 不提供（RFC 7323 2）',
    sack: '提供 SACK-permitted（RFC 2018）',
    timestamps: '提供时间戳（RFC 7323 3）',
  },
};
