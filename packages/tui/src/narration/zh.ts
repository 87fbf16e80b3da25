/**
 * 中文讲解: 每个 trace 事件一句话, 内容按 RFC 9293 (TCP) 与 RFC 6455 (WebSocket) 核对过。
 * 视图里的序号是相对各自初始序号的 (和 Wireshark 的"相对序号"一样), 所以客户端的 ISN x 显示为 seq=0。
 */
import type { ArrowView, Narration, TimerStopCause, TimerView, TransitionView } from '../model.js';
import { CLOSE_CODES, durationMs, errorText, flagText, type Strings, unknownPhase } from './strings.js';

function carries(a: ArrowView): string {
  return a.carries === undefined ? '' : `，里面是 ${a.carries}`;
}

function segmentSent(a: ArrowView, first: 1 | 2 | 3 | undefined): string {
  if (first === 1) {
    return `${a.from} 发出握手的第一个报文段：SYN，带上自己的初始序号 x（相对序号 seq=${a.seq}），不带数据；${a.from} 进入 SYN-SENT。`;
  }
  if (first === 2) {
    return `${a.from} 回复 SYN+ACK：带上自己的初始序号 y，并确认 ack=x+1（${a.ack}），因为客户端的 SYN 占用了一个序号；${a.from} 处于 SYN-RCVD。`;
  }
  if (first === 3) {
    return `${a.from} 发出握手的第三个报文段：ACK，ack=y+1（${a.ack}）；${a.from} 已进入 ESTABLISHED，服务器收到它后也会进入。`;
  }
  const what = `${a.from} 发送 ${flagText(a.flags)} seq=${a.seq} ack=${a.ack} len=${a.len}${carries(a)}`;
  if (a.retransmission) return `${what}。这是重传：之前那份在重传计时器到期前没有得到确认。`;
  if (a.flags.includes('RST')) return `${what}。RST 会立刻终止连接，对方不会再回应。`;
  if (a.flags.includes('FIN'))
    return `${what}。FIN 表示 ${a.from} 没有数据要发了；它占用一个序号，需要对方确认。`;
  if (a.len === 0 && a.flags.includes('ACK'))
    return `${what}：单纯的确认，意思是"第 ${a.ack} 字节之前的都收到了"。`;
  return `${what}。`;
}

function segmentDelivered(a: ArrowView): string {
  const dup = a.copy > 0 ? '（这是链路复制出来的重复报文，TCP 会丢掉重复的字节）' : '';
  return `${a.to} 收到 ${a.from} 发来的 ${flagText(a.flags)} seq=${a.seq} ack=${a.ack} len=${a.len}${carries(a)}${dup}。`;
}

function segmentLost(a: ArrowView, reason: string): string {
  const fate: string = a.fate;
  if (fate === 'refused') {
    return `${a.from} 发出的 ${flagText(a.flags)} 到达了 ${a.to}，但被丢弃（${reason}）。`;
  }
  if (a.fate === 'corrupted') {
    return `${a.from} 发出的 ${flagText(a.flags)} 在路上损坏了（${reason}）；${a.to} 校验和对不上，悄悄丢弃，${a.from} 只能重传。`;
  }
  return `链路把 ${a.from} 发给 ${a.to} 的 ${flagText(a.flags)} 弄丢了（${reason}）；等重传计时器到期，${a.from} 会再发一次。`;
}

const TRANSITIONS: Readonly<Record<string, (ep: string) => string>> = {
  'CLOSED>LISTEN': (ep) => `${ep} 被动打开，开始等待 SYN（LISTEN）。`,
  'CLOSED>SYN-SENT': (ep) => `${ep} 主动打开：SYN 已发出，正在等 SYN+ACK（SYN-SENT）。`,
  'LISTEN>SYN-RCVD': (ep) => `${ep} 收到 SYN，回了 SYN+ACK，正在等对方确认自己的 SYN（SYN-RCVD）。`,
  'LISTEN>SYN-SENT': (ep) => `${ep} 在监听时被要求发送数据，于是自己发出 SYN（SYN-SENT）。`,
  'SYN-SENT>SYN-RCVD': (ep) =>
    `${ep} 等 SYN+ACK 时却收到一个单独的 SYN：双方同时打开，它回复 SYN+ACK（SYN-RCVD）。`,
  'SYN-SENT>ESTABLISHED': (ep) =>
    `${ep} 收到确认自己 SYN 的 SYN+ACK，并回了 ACK：这一端已建立连接（ESTABLISHED）。`,
  'SYN-RCVD>ESTABLISHED': (ep) => `${ep} 收到了对自己 SYN 的确认：三次握手完成，${ep} 进入 ESTABLISHED。`,
  'SYN-RCVD>LISTEN': (ep) => `${ep} 的半开连接被对方重置，回到 LISTEN。`,
  'SYN-RCVD>FIN-WAIT-1': (ep) => `${ep} 在握手完成前就关闭了：FIN 已发出（FIN-WAIT-1）。`,
  'ESTABLISHED>FIN-WAIT-1': (ep) => `${ep} 关闭自己的发送方向：FIN 已发出，等对方确认（FIN-WAIT-1）。`,
  'ESTABLISHED>CLOSE-WAIT': (ep) =>
    `${ep} 收到 FIN，知道对方不会再发数据了；它回了 ACK，等自己的应用程序关闭（CLOSE-WAIT）。`,
  'FIN-WAIT-1>FIN-WAIT-2': (ep) => `${ep} 的 FIN 得到确认；它还能接收数据，继续等对方的 FIN（FIN-WAIT-2）。`,
  'FIN-WAIT-1>CLOSING': (ep) => `${ep} 在自己的 FIN 被确认之前先收到了对方的 FIN：双方同时关闭（CLOSING）。`,
  'FIN-WAIT-1>TIME-WAIT': (ep) => `${ep} 同时收到对自己 FIN 的确认和对方的 FIN；回了 ACK，进入 TIME-WAIT。`,
  'FIN-WAIT-2>TIME-WAIT': (ep) =>
    `${ep} 收到对方的 FIN 并回了 ACK；它要在 TIME-WAIT 里待 2MSL，万一最后的 ACK 丢了还能重发，也让网络里的旧报文自然消失。`,
  'CLOSING>TIME-WAIT': (ep) => `${ep} 的 FIN 得到确认；在 TIME-WAIT 等待 2MSL。`,
  'CLOSE-WAIT>LAST-ACK': (ep) => `${ep} 的应用程序也关闭了：FIN 已发出，等最后一个 ACK（LAST-ACK）。`,
  'LAST-ACK>CLOSED': (ep) => `${ep} 的 FIN 得到确认：这一端的连接彻底结束（CLOSED）。`,
  'TIME-WAIT>CLOSED': (ep) => `2MSL 过去了：${ep} 删除这条连接（CLOSED）。`,
};

function stateChange(ep: string, t: TransitionView): string {
  const known = TRANSITIONS[`${t.from}>${t.to}`];
  if (known !== undefined) return known(ep);
  return `${ep} 从 ${t.from} 变为 ${t.to}：${t.cause}。`;
}

function timerSet(ep: string, t: TimerView): string {
  const ms = durationMs(t.deadline - t.setAt);
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep} 启动重传计时器：${ms} ms 内收不到 ACK 就重发这个报文段。`;
    case '2MSL':
      return `${ep} 启动 TIME-WAIT 计时器：2MSL = ${ms} ms，到期后才能忘掉这条连接。`;
    case 'PERSIST':
    case 'persist':
      return `${ep} 启动坚持计时器：对方窗口为零，${ms} ms 后发探测看窗口是否打开。`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep} 推迟 ACK，最多等 ${ms} ms，希望和数据一起发出去。`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep} 启动保活计时器：空闲 ${ms} ms 后检查对方是否还在。`;
    case 'USER':
      return `${ep} 启动用户超时：数据 ${ms} ms 内还得不到确认，就放弃这条连接（RFC 9293 3.10.8）。`;
    case 'FIN-WAIT-2':
      return `${ep} 启动 FIN-WAIT-2 计时器：${ms} ms 内等不到对方的 FIN，就丢弃这条连接（Linux 的做法）。`;
    default:
      return `${ep} 启动 ${t.kind} 计时器，${ms} ms 后到期。`;
  }
}

function timerFired(ep: string, t: TimerView): string {
  switch (t.kind) {
    case 'RTO':
    case 'SYN':
      return `${ep} 的重传计时器到期：重发最早未被确认的报文段，并把超时时间加倍（RFC 6298 5.4、5.5）。`;
    case '2MSL':
      return `${ep} 的 2MSL 计时器到期：TIME-WAIT 结束，连接被删除。`;
    case 'PERSIST':
    case 'persist':
      return `${ep} 的坚持计时器到期：发送窗口探测。`;
    case 'DELACK':
    case 'delayed-ack':
      return `${ep} 的延迟确认计时器到期：单独把 ACK 发出去。`;
    case 'KEEPALIVE':
    case 'keepalive':
      return `${ep} 的保活计时器到期：探测空闲的对方。`;
    case 'USER':
      return `${ep} 的用户超时到期：数据太久没有被确认，连接被中止。`;
    case 'FIN-WAIT-2':
      return `${ep} 的 FIN-WAIT-2 计时器到期：对方一直没发 FIN，连接被丢弃。`;
    default:
      return `${ep} 的 ${t.kind} 计时器到期。`;
  }
}

function wsState(ep: string, from: string, to: string): string {
  switch (`${from}>${to}`) {
    case 'CONNECTING>OPEN':
      return `${ep} 的 readyState 变为 OPEN（1）：101 Switching Protocols 响应里的 Sec-WebSocket-Accept 校验通过，可以收发消息了。`;
    case 'OPEN>CLOSING':
      return `${ep} 的 readyState 变为 CLOSING（2）：已发出或收到关闭帧，正在等另一方的关闭帧。`;
    case 'CLOSING>CLOSED':
      return `${ep} 的 readyState 变为 CLOSED（3）：双方的关闭帧都交换完了，底下的 TCP 开始关闭。`;
    case 'CONNECTING>CLOSED':
      return `${ep} 的 readyState 变为 CLOSED（3）：握手失败。`;
    default:
      return `${ep} 的 readyState 从 ${from} 变为 ${to}。`;
  }
}

function timerCancelled(ep: string, t: TimerView, cause: TimerStopCause | undefined): string {
  if (cause === 'closed') return `${ep} 的连接已经没有了，它的 ${t.kind} 计时器随之停止。`;
  if (cause === 'time-wait') {
    return `${ep} 进入 TIME-WAIT，关掉 ${t.kind} 计时器：现在只有 2MSL 在走（RFC 9293 3.10.7.4）。`;
  }
  if (cause === 'restarted') {
    return `${ep} 在 TIME-WAIT 中又收到对方的 FIN（它最后的 ACK 丢了）：再确认一次，并重新开始 2MSL 计时（RFC 9293 3.10.7.4）。`;
  }
  switch (t.kind) {
    case 'RTO':
      return `${ep} 停止重传计时器：新数据得到了确认（RFC 6298 5.2、5.3：如果还有未确认的数据，会重新启动）。`;
    case 'SYN':
      return `${ep} 停止 SYN 重传计时器：握手报文段得到了回应。`;
    case '2MSL':
      return `${ep} 停止 2MSL 计时器。`;
    case 'PERSIST':
      return `${ep} 停止窗口探测：对方的窗口重新打开了。`;
    case 'DELACK':
      return `${ep} 不再需要延迟确认计时器：ACK 已经随数据一起发出或立即发出了。`;
    case 'KEEPALIVE':
      return `${ep} 停止保活计时器：连接不再空闲。`;
    case 'USER':
      return `${ep} 停止用户超时：未确认的数据按时得到了确认。`;
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
    return `链路把 ${seg} 复制了一份：第一份重置了连接；第二份到达时连接已不存在，被丢弃（RFC 9293 3.10.7.1）。`;
  }
  switch (fault) {
    case 'duplicated':
      return bare
        ? `链路把 ${seg} 复制了一份：副本没有确认任何新数据；对有未确认数据的发送方，它算一个重复 ACK（RFC 5681 2）。`
        : `链路把 ${seg} 复制了一份：会多到达一份；${a.to} 认出这些序号已经收过，丢掉副本并再确认一次。`;
    case 'corrupted':
      return `链路在传输中损坏了 ${seg}：${a.to} 的校验和检查会失败，它会悄悄丢掉这个报文段，就像丢包一样。`;
    case 'reordered':
      return bare
        ? `链路把 ${seg} 扣住 ${delay} ms，后面的报文段先到；比已收到的 ACK 更旧的 ACK 会被忽略（RFC 9293 3.10.7.4）。`
        : `链路把 ${seg} 扣住 ${delay} ms，后面的报文段先到：${a.to} 收到乱序的数据，先存起来，只确认到缺口为止（重复 ACK）。`;
    default:
      return `链路让 ${seg} 额外延迟了 ${delay} ms。`;
  }
}

/** ssthresh 初始值"任意大"（RFC 5681 3.1）；tcp-sim 在第一次丢包前用 2^31 - 1。 */
const SSTHRESH_UNSET = 2 ** 31 - 1;

function cwnd(n: Extract<Narration, { key: 'cwnd' }>): string {
  const { endpoint: ep, cwnd, ssthresh, flight } = n;
  const threshold = ssthresh >= SSTHRESH_UNSET ? '还没丢包，ssthresh 未设' : `ssthresh ${ssthresh}`;
  switch (n.phase) {
    case 'initial':
      return `${ep} 的拥塞窗口从初始窗口 ${cwnd} 字节开始（RFC 5681 3.1）；${threshold}。`;
    case 'fast-retransmit':
      return `${ep} 收到第三个重复 ACK：立即重发缺失的报文段并进入快速恢复，ssthresh ${ssthresh}，cwnd ${cwnd}（RFC 5681 3.2）。`;
    case 'fast-recovery':
      return `快速恢复中又来一个重复 ACK：有一个报文段离开了网络，${ep} 的 cwnd 加一个报文段，变为 ${cwnd}（RFC 5681 3.2）。`;
    case 'partial-ack':
      return `快速恢复中的部分确认：${ep} 立即重发下一个缺口，继续留在快速恢复，cwnd ${cwnd}（RFC 6582 3.2）。`;
    case 'recovery-exit':
      return `完整的确认结束了 ${ep} 的快速恢复：cwnd 收缩到 ${cwnd} 字节，${threshold}（RFC 6582 3.2）。`;
    case 'timeout':
      return `重传超时后，${ep} 把 ssthresh 设为 ${ssthresh}（在途数据的一半，至少两个报文段），cwnd 设为一个报文段 ${cwnd} 字节（RFC 5681 3.1）。`;
    case 'slow-start':
      return `${ep} 的 cwnd 现在是 ${cwnd} 字节，在途 ${flight} 字节，${threshold}：慢启动，每个 ACK 约加一个报文段（RFC 5681 3.1）。`;
    case 'congestion-avoidance':
      return `${ep} 的 cwnd 现在是 ${cwnd} 字节，在途 ${flight} 字节，${threshold}：拥塞避免，每个往返约加一个报文段（RFC 5681 3.1）。`;
    default:
      return unknownPhase(n.phase);
  }
}

function appEvent(ep: string, event: string): string {
  switch (event) {
    case 'connect':
      return `${ep} 的应用程序得知连接已建立（'connect'）：现在可以发送了。`;
    case 'connection':
      return `${ep} 上监听的应用程序接受了一条已建立的新连接（'connection'）。`;
    case 'end':
      return `${ep} 的应用程序读到了对方字节流的末尾（'end'）：对方的 FIN 到了，不会再有数据。`;
    case 'close':
      return `${ep} 的套接字完全关闭了（'close'）。`;
    case 'drain':
      return `${ep} 的发送缓冲区又有空间了（'drain'）：应用程序可以继续写。`;
    default:
      return `${ep} 的应用程序收到 '${event}'。`;
  }
}

function handshake(n: Extract<Narration, { key: 'ws-handshake' }>): string {
  const ep = n.endpoint;
  if (n.kind === 'request') {
    return n.direction === 'sent'
      ? `${ep} 发出开始握手（RFC 6455 4.1）："${n.line}"，${n.length} 字节的 HTTP，带 Upgrade: websocket、随机的 Sec-WebSocket-Key 和版本 13。`
      : `${ep} 读到 Upgrade 请求"${n.line}"，检查 Host、Upgrade、Connection、16 字节的 key 和版本 13（RFC 6455 4.2.1）。`;
  }
  if (n.status === 101) {
    return n.direction === 'sent'
      ? `${ep} 用"${n.line}"接受升级，Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))（RFC 6455 4.2.2）。`
      : `${ep} 读到"${n.line}"，用自己发出的 key 校验 Sec-WebSocket-Accept（RFC 6455 4.1）；从这里开始，字节流上跑的是 WebSocket 帧。`;
  }
  return n.direction === 'sent'
    ? `${ep} 用"${n.line}"拒绝升级（RFC 6455 4.2.1、4.2.2：请求有误回 400，版本不支持回 426 并在 Sec-WebSocket-Version 里列出支持的版本）；WebSocket 没有建立。`
    : `${ep} 收到的是"${n.line}"而不是 101 Switching Protocols：服务器拒绝了，WebSocket 连接失败（RFC 6455 4.1）。`;
}

const STEP_ACTIONS: Readonly<Record<string, string>> = {
  listen: '开始监听',
  connect: '建立 TCP 连接',
  open: '打开 WebSocket',
  send: '发送一条消息',
  ping: '发送 ping',
  close: '开始 WebSocket 关闭握手',
  frames: '写出手工构造的 WebSocket 帧',
  raw: '往字节流里写原始字节',
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
          ? '用 4 字节的掩码键做了掩码，客户端发给服务器的帧都必须这样（RFC 6455 5.3）'
          : '没有掩码，服务器发给客户端的帧不加掩码';
        return `${n.endpoint} 发出一个 WebSocket ${n.opcode} 帧，载荷 ${n.length} 字节，${mask}。`;
      }
      const unmask = n.masked ? '，并用帧头里的掩码键还原出载荷' : '';
      return `${n.endpoint} 解析出一个 WebSocket ${n.opcode} 帧，载荷 ${n.length} 字节${unmask}。`;
    }
    case 'ws-message':
      return n.text === undefined
        ? `${n.endpoint} 的应用程序收到一条 ${n.length} 字节的二进制消息。`
        : `${n.endpoint} 的应用程序收到文本消息"${n.text}"（UTF-8 编码共 ${n.length} 字节）。`;
    case 'ws-state':
      return wsState(n.endpoint, n.from, n.to);
    case 'ws-close': {
      const meaning = CLOSE_CODES[n.code]?.zh ?? '由应用定义';
      const reason = n.reason === '' ? '' : `，原因"${n.reason}"`;
      return `${n.endpoint}：WebSocket 以状态码 ${n.code}（${meaning}）关闭${reason}。`;
    }
    case 'app-call':
      return `${n.endpoint} 的应用程序调用了 ${n.call}。`;
    case 'error':
      return `${n.endpoint} 报错 ${errorText(n.code, n.message)}。`;
    case 'timer-cancelled':
      return timerCancelled(n.endpoint, n.timer, n.cause);
    case 'segment-fault':
      return segmentFault(n.arrow, n.fault, n.delay);
    case 'cwnd':
      return cwnd(n);
    case 'app-data':
      return `TCP 按顺序把 ${n.length} 字节交给 ${n.endpoint} 的应用程序：对方字节流的第 ${n.offset}..${n.offset + n.length - 1} 字节。`;
    case 'app-event':
      return appEvent(n.endpoint, n.event);
    case 'ws-handshake':
      return handshake(n);
    case 'ws-error': {
      const meaning = CLOSE_CODES[n.closeCode]?.zh ?? '由应用定义';
      return `${n.endpoint} 判定 WebSocket 失败（RFC 6455 7.1.7）：${n.message}；以 ${n.closeCode}（${meaning}）关闭。`;
    }
    case 'scenario-step':
      return scenarioStep(n);
    case 'scenario-failure':
      return n.step === undefined
        ? `一项干预无法执行：${n.message}。`
        : `场景第 ${n.step} 步无法执行：${n.message}。`;
  }
}

export const zh: Strings = {
  lang: 'zh',
  narrate,
  unnarrated: (type) =>
    ({
      'scenario.step': '场景时间线执行下一步。',
      'timer.cancelled': '一个计时器被取消：它等待的事情已经发生了。',
      'ws.handshake': '一条 WebSocket 握手消息（HTTP Upgrade）经过字节流。',
      'ws.message': '一条 WebSocket 消息交给了发送方。',
      'app.call': '应用程序调用了它的 TCP 端点。',
      'app.data': 'TCP 把按顺序收到的字节交给应用程序。',
    })[type] ?? `trace 事件：${type}。`,
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
    pane: '在状态图和报文检查器之间切换',
    scroll: '滚动报文检查器',
    drop: '丢掉下一个报文段',
    corrupt: '损坏下一个报文段',
    loss: '开关随机丢包（20%）',
    send: '从客户端发一条消息',
    close: '关闭 WebSocket（状态码 1000）',
    abort: '强行中止连接（RST）',
    restart: '换一个新种子重新开始',
    picker: '打开其他场景',
    profile: 'TCP 配置的数值（计时器，Linux 与 RFC 的差别）',
    help: '显示本帮助',
    quit: '退出',
  },
  notice: {
    'drop-next': '下一个报文段将被丢弃',
    'corrupt-next': '下一个报文段将被损坏',
    'loss-on': '随机丢包已开启（20%）',
    'loss-off': '随机丢包已关闭',
    'message-sent': '客户端发出了一条消息',
    'close-sent': '客户端以 1000 关闭',
    'abort-sent': '客户端中止了连接',
    restarted: '已换新种子重新开始',
    'no-client': '这个场景没有客户端',
    'at-end': '已到结尾',
    'at-start': '已在开头',
    'no-state-change': '后面没有状态变化了',
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
    start: '按空格播放，→ 单步，? 查看帮助。',
    lastTransition: '上一步',
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
    optionLayout: '选项在线路上的排列：compact，或按 freebsd / linux 的方式以 NOP 对齐',
    rfc5961Syn: '对 SYN 单独启用质询 ACK（RFC 5961 4.2；FreeBSD insecure_syn）；未设置时同 rfc5961',
    receiveBufferRoundsToMss: '得知 MSS 后接收缓冲区向上取整为整数个报文段（FreeBSD tcp_mss）',
  },
};
