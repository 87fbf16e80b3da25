/**
 * The socket system calls scripts make, on top of tcp-sim's sockets: a file-descriptor table,
 * O_NONBLOCK, the options the simulator models, and errno. Results are checked as packetdrill's
 * run_system_call.c does (`Expected result 0 but got -1 with errno 104 (Connection reset by peer)`).
 *
 * Socket options set before the stack starts (the usual order: socket, setsockopt, bind, listen)
 * become the profile and buffers the stack starts with; options the simulator has no per-socket
 * knob for, set later, are reported unsupported.
 */
import type { SimListener, SimSocket, TcpState } from '@synack/tcp-sim';
import { canonicalErrno, describeErrno } from './errno.js';
import { ScriptFailure, Unsupported } from './outcome.js';
import { type DrillRun, REMOTE_ADDRESS, REMOTE_PORT, SCRIPT_PORT, secs } from './runner.js';
import type { Expr, SyscallSpec } from './script.js';

interface Fd {
  readonly fd: number;
  nonblocking: boolean;
  port: number | undefined;
  listener: SimListener | undefined;
  sock: SimSocket | undefined;
  /** SO_ERROR: the error the connection ended with, until read. */
  error: string | undefined;
  /** Errors for read/write come once as the error, then as EPIPE / 0 (as sockets do). */
  errorReported: boolean;
  ended: boolean;
  readShut: boolean;
  linger0: boolean;
  nodelay: boolean | undefined;
  keepalive: boolean | undefined;
  closed: boolean;
}

/** A blocking call waiting for the stack (connect, accept, read, write). */
export interface Pending {
  /** Tries to complete; true when done (result checked). */
  poll(): boolean;
  /** The script ended while the call was still blocked. */
  unfinished(): never;
}

type Result = { value: number; errno?: string };

const O_RDWR = 0x2;

const SOCKSTAT_STATES: Readonly<Record<string, TcpState>> = {
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN-SENT',
  SYN_RCVD: 'SYN-RCVD',
  ESTABLISHED: 'ESTABLISHED',
  CLOSE_WAIT: 'CLOSE-WAIT',
  FIN_WAIT_1: 'FIN-WAIT-1',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST-ACK',
  FIN_WAIT_2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
};

const FIN_RECEIVED: ReadonlySet<TcpState> = new Set(['CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'TIME-WAIT']);

export class SocketLayer {
  private readonly fds = new Map<number, Fd>();
  /** The connection the script's packets belong to (packetdrill's script socket). */
  private tuple = { localPort: SCRIPT_PORT, remotePort: REMOTE_PORT };

  constructor(private readonly drill: DrillRun) {}

  private get nonblockFlag(): number {
    return this.drill.os === 'freebsd' ? 0x4 : 0x800;
  }

  /** Whether a listening socket is open (an inbound SYN then opens a connection). */
  listening(): boolean {
    for (const f of this.fds.values()) if (!f.closed && f.listener && !f.listener.closed) return true;
    return false;
  }

  scriptTuple(): { localPort: number; remotePort: number } {
    return this.tuple;
  }

  /** sockstat's count: connections in a state, plus open descriptors whose connection has closed. */
  countInState(name: string): number {
    const state = SOCKSTAT_STATES[name];
    if (!state) throw new Unsupported(`sockstat state ${name}`);
    const sim = this.drill.sim;
    if (!sim) return 0;
    if (state === 'CLOSED') {
      let n = 0;
      for (const f of this.fds.values()) if (!f.closed && f.sock && f.sock.state === 'CLOSED') n++;
      return n;
    }
    if (state === 'LISTEN') {
      let n = 0;
      for (const f of this.fds.values()) if (!f.closed && f.listener && !f.listener.closed) n++;
      return n;
    }
    return sim.connections.filter((s) => s.state === state).length;
  }

  /** tcpdrop -s STATE: drops those connections (no segment: as FreeBSD's tcp_drop in TIME-WAIT). */
  dropInState(name: string): void {
    const state = SOCKSTAT_STATES[name];
    if (!state) throw new Unsupported(`tcpdrop state ${name}`);
    if (state !== 'TIME-WAIT') throw new Unsupported(`tcpdrop -s ${name}`);
    for (const s of this.drill.sim?.connections ?? []) if (s.state === state) s.destroy();
  }

  call(spec: SyscallSpec, line: number, start: number): void {
    const handler = this.handlers[spec.name];
    if (!handler) throw new Unsupported(`system call ${spec.name}`, line);
    if (
      spec.endUsecs !== undefined &&
      !['connect', 'accept', 'read', 'recv', 'write', 'send'].includes(spec.name)
    )
      throw new Unsupported(`blocking ${spec.name}`, line);
    const result = handler.call(this, spec, line);
    if (result === 'pending') return;
    this.check(spec, line, result);
    void start;
  }

  /** Checks a call's result against the script (run_system_call.c end_syscall). */
  private check(spec: SyscallSpec, line: number, r: Result): void {
    const os = this.drill.os;
    const fail = (msg: string) => {
      throw new ScriptFailure(line, `runtime error in ${spec.name} call: ${msg}`);
    };
    if (spec.result.type === 'ellipsis') return;
    const expected = this.intOf(spec.result, line);
    if (expected !== r.value) {
      fail(
        `Expected result ${expected} but got ${r.value}${r.errno ? ` with errno ${describeErrno(os, r.errno)}` : ''}`,
      );
    }
    if (spec.errno !== undefined) {
      const want = canonicalErrno(spec.errno);
      const got = r.errno ? canonicalErrno(r.errno) : undefined;
      if (want !== got)
        fail(
          `Expected errno ${describeErrno(os, spec.errno)} but got ${got ? describeErrno(os, got) : '0 (Success)'}`,
        );
    }
  }

  private intOf(e: Expr, line: number): number {
    switch (e.type) {
      case 'int':
        return e.value;
      case 'word': {
        const v = this.symbol(e.name);
        if (v === undefined) throw new Unsupported(`symbol ${e.name}`, line);
        return v;
      }
      case 'or':
        return this.intOf(e.lhs, line) | this.intOf(e.rhs, line);
      case 'list':
        if (e.items.length === 1) return this.intOf(e.items[0]!, line);
        break;
      default:
        break;
    }
    throw new Unsupported(`expression ${JSON.stringify(e)}`, line);
  }

  private symbol(name: string): number | undefined {
    const table: Record<string, number> = {
      O_RDWR,
      O_RDONLY: 0,
      O_WRONLY: 1,
      O_NONBLOCK: this.nonblockFlag,
      SHUT_RD: 0,
      SHUT_WR: 1,
      SHUT_RDWR: 2,
      MSG_PEEK: 2,
      MSG_DONTWAIT: this.drill.os === 'freebsd' ? 0x80 : 0x40,
      MSG_WAITALL: this.drill.os === 'freebsd' ? 0x40 : 0x100,
    };
    return table[name];
  }

  private fd(e: Expr | undefined, line: number): Fd | Result {
    const n = e && e.type === 'int' ? e.value : undefined;
    const f = n !== undefined ? this.fds.get(n) : undefined;
    if (!f || f.closed) return { value: -1, errno: 'EBADF' };
    void line;
    return f;
  }

  private readonly handlers: Record<
    string,
    (this: SocketLayer, s: SyscallSpec, line: number) => Result | 'pending'
  > = {
    socket(s, line) {
      const want = s.result.type === 'int' ? s.result.value : undefined;
      if (want === undefined || want < 0) throw new Unsupported('socket() without a descriptor number', line);
      const domain = s.args[0];
      if (domain && domain.type === 'word' && domain.name === 'AF_INET6')
        throw new Unsupported('AF_INET6 sockets', line);
      const type = s.args[1];
      if (type && type.type === 'word' && type.name !== 'SOCK_STREAM')
        throw new Unsupported(`socket type ${type.name}`, line);
      this.fds.set(want, {
        fd: want,
        nonblocking: false,
        port: undefined,
        listener: undefined,
        sock: undefined,
        error: undefined,
        errorReported: false,
        ended: false,
        readShut: false,
        linger0: false,
        nodelay: undefined,
        keepalive: undefined,
        closed: false,
      });
      return { value: want };
    },

    fcntl(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      const cmd = s.args[1];
      if (cmd?.type === 'word' && cmd.name === 'F_GETFL')
        return { value: O_RDWR | (f.nonblocking ? this.nonblockFlag : 0) };
      if (cmd?.type === 'word' && cmd.name === 'F_SETFL') {
        f.nonblocking = (this.intOf(s.args[2]!, line) & this.nonblockFlag) !== 0;
        return { value: 0 };
      }
      throw new Unsupported(`fcntl ${cmd?.type === 'word' ? cmd.name : '?'}`, line);
    },

    bind(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      f.port = portOf(s.args[1]) ?? SCRIPT_PORT;
      return { value: 0 };
    },

    listen(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      this.drill.ensureStack();
      const backlog = s.args[1]?.type === 'int' ? s.args[1].value : 128;
      const port = f.port ?? SCRIPT_PORT;
      f.listener = this.drill.tcp!.listen(port, { backlog: Math.max(1, backlog) });
      this.tuple = { localPort: port, remotePort: REMOTE_PORT };
      return { value: 0 };
    },

    accept(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      if (!f.listener) return { value: -1, errno: 'EINVAL' };
      const want = s.result.type === 'int' ? s.result.value : -1;
      const attempt = (): Result | undefined => {
        const sock = f.listener!.accept();
        if (!sock) return undefined;
        const nf = this.adopt(want, sock, f);
        return { value: nf.fd };
      };
      const r = attempt();
      if (r) return r;
      if (f.nonblocking) return { value: -1, errno: 'EAGAIN' };
      return this.block(s, line, attempt);
    },

    connect(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      if (f.sock) return { value: -1, errno: f.sock.state === 'ESTABLISHED' ? 'EISCONN' : 'EALREADY' };
      this.drill.ensureStack();
      const sock = this.drill.tcp!.connect({
        address: REMOTE_ADDRESS,
        port: portOf(s.args[1]) ?? SCRIPT_PORT,
        ...(f.port !== undefined ? { localPort: f.port } : {}),
      });
      this.attach(f, sock);
      this.drill.map.liveLocalIsn = this.drill.localIsn;
      this.tuple = { localPort: sock.localPort, remotePort: portOf(s.args[1]) ?? SCRIPT_PORT };
      if (f.nonblocking) return { value: -1, errno: 'EINPROGRESS' };
      return this.block(s, line, () => {
        if (sock.state === 'ESTABLISHED' || FIN_RECEIVED.has(sock.state)) return { value: 0 };
        if (f.error) return this.takeError(f);
        if (sock.state === 'CLOSED') return { value: -1, errno: 'ECONNREFUSED' };
        return undefined;
      });
    },

    write(s, line) {
      return this.send(s, line, s.args[2]);
    },
    send(s, line) {
      return this.send(s, line, s.args[2]);
    },

    read(s, line) {
      return this.recv(s, line, s.args[2], undefined);
    },
    recv(s, line) {
      return this.recv(s, line, s.args[2], s.args[3]);
    },

    shutdown(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      const how = this.intOf(s.args[1]!, line);
      if (!f.sock || f.sock.state === 'CLOSED' || f.sock.state === 'SYN-SENT' || f.sock.state === 'LISTEN')
        return { value: -1, errno: 'ENOTCONN' };
      if (how === 0 || how === 2) f.readShut = true;
      if (how === 1 || how === 2) f.sock.end();
      return { value: 0 };
    },

    close(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      f.closed = true;
      if (f.listener) {
        f.listener.close();
        // Closing a listening socket aborts the connections nobody accepted (Linux
        // inet_csk_listen_stop, FreeBSD soclose): they answer with a RST.
        for (let q = f.listener.accept(); q; q = f.listener.accept()) q.destroy();
      }
      if (f.sock) {
        if (f.linger0) f.sock.destroy();
        else f.sock.close();
      }
      return { value: 0 };
    },

    setsockopt(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      const name = s.args[2]?.type === 'word' ? s.args[2].name : '?';
      const value = s.args[3];
      const n = () => this.intOf(value!, line);
      const beforeStart = (apply: () => void) => {
        if (this.drill.sim) throw new Unsupported(`setsockopt ${name} after the stack started`, line);
        apply();
      };
      const p = this.drill.settings.profile;
      switch (name) {
        case 'SO_REUSEADDR':
        case 'SO_REUSEPORT':
          return { value: 0 };
        case 'SO_RCVBUF':
          beforeStart(() => {
            this.drill.settings.receiveBuffer = n();
          });
          return { value: 0 };
        case 'SO_SNDBUF':
          beforeStart(() => {
            this.drill.settings.sendBuffer = n();
          });
          return { value: 0 };
        case 'TCP_NODELAY':
          f.nodelay = n() !== 0;
          f.sock?.setNoDelay(f.nodelay);
          return { value: 0 };
        case 'SO_KEEPALIVE':
          f.keepalive = n() !== 0;
          f.sock?.setKeepAlive(f.keepalive);
          return { value: 0 };
        case 'TCP_KEEPIDLE':
          beforeStart(() => {
            p.keepAliveIdle = n() * 1000;
          });
          return { value: 0 };
        case 'TCP_KEEPINTVL':
          beforeStart(() => {
            p.keepAliveInterval = n() * 1000;
          });
          return { value: 0 };
        case 'TCP_KEEPCNT':
          beforeStart(() => {
            p.keepAliveProbes = n();
          });
          return { value: 0 };
        case 'TCP_USER_TIMEOUT':
          beforeStart(() => {
            p.userTimeout = n();
          });
          return { value: 0 };
        case 'SO_LINGER': {
          const v = value?.type === 'struct' ? value : undefined;
          const onoff = v?.fields.find((x) => x.name === 'onoff')?.value;
          const linger = v?.fields.find((x) => x.name === 'linger')?.value;
          const on = onoff?.type === 'int' ? onoff.value : -1;
          const secsValue = linger?.type === 'int' ? linger.value : -1;
          if (on === 0) f.linger0 = false;
          else if (on === 1 && secsValue === 0) f.linger0 = true;
          else throw new Unsupported('SO_LINGER with a non-zero time', line);
          return { value: 0 };
        }
        default:
          throw new Unsupported(`socket option ${name}`, line);
      }
    },

    getsockopt(s, line) {
      const f = this.fd(s.args[0], line);
      if (!('fd' in f)) return f;
      const name = s.args[2]?.type === 'word' ? s.args[2].name : '?';
      const want = s.args[3];
      let actual: number | string;
      switch (name) {
        case 'SO_ERROR': {
          const e = f.error;
          f.error = undefined;
          actual = e ?? 0;
          break;
        }
        case 'SO_RCVBUF':
          actual = this.receiveBuffer(f, line);
          break;
        case 'SO_SNDBUF':
          actual = this.drill.settings.sendBuffer ?? 65536;
          break;
        case 'TCP_NODELAY':
          actual = (f.nodelay ?? !this.drill.sim?.profile.nagle) ? 1 : 0;
          break;
        case 'SO_KEEPALIVE':
          actual = f.keepalive ? 1 : 0;
          break;
        case 'TCP_MAXSEG':
          if (!f.sock) throw new Unsupported('getsockopt TCP_MAXSEG before a connection', line);
          actual = f.sock.tcb.sndMss;
          break;
        default:
          throw new Unsupported(`socket option ${name}`, line);
      }
      if (want && want.type !== 'ellipsis') {
        const inner = want.type === 'list' && want.items.length === 1 ? want.items[0]! : want;
        const ok =
          typeof actual === 'string'
            ? inner.type === 'word' && canonicalErrno(inner.name) === canonicalErrno(actual)
            : inner.type === 'int'
              ? inner.value === actual
              : inner.type === 'word' && this.symbol(inner.name) === actual;
        if (!ok) {
          const shown = (x: Expr) => (x.type === 'int' ? String(x.value) : x.type === 'word' ? x.name : '?');
          throw new ScriptFailure(
            line,
            `runtime error in getsockopt call: Bad getsockopt optval: expected: ${shown(inner)} actual: ${actual}`,
          );
        }
      }
      return { value: 0 };
    },
  };

  /** SO_RCVBUF: FreeBSD rounds the buffer up to a multiple of the MSS once the connection has one. */
  private receiveBuffer(f: Fd, line: number): number {
    const base = this.drill.settings.receiveBuffer;
    if (base === undefined)
      throw new Unsupported('getsockopt SO_RCVBUF (the stack sizes buffers its own way)', line);
    if (this.drill.os !== 'freebsd' || !f.sock || f.sock.state === 'SYN-SENT' || f.sock.state === 'CLOSED')
      return base;
    const mss = f.sock.tcb.sndMss;
    return Math.ceil(base / mss) * mss;
  }

  private adopt(want: number, sock: SimSocket, from: Fd): Fd {
    const f: Fd = {
      fd: want,
      nonblocking: false,
      port: from.port,
      listener: undefined,
      sock: undefined,
      error: undefined,
      errorReported: false,
      ended: false,
      readShut: false,
      linger0: from.linger0,
      nodelay: from.nodelay,
      keepalive: from.keepalive,
      closed: false,
    };
    this.attach(f, sock);
    if (from.nodelay !== undefined) sock.setNoDelay(from.nodelay);
    if (from.keepalive !== undefined) sock.setKeepAlive(from.keepalive);
    this.fds.set(want, f);
    return f;
  }

  private attach(f: Fd, sock: SimSocket): void {
    f.sock = sock;
    sock.on('error', (e) => {
      f.error = (e as { code?: string }).code ?? 'ECONNRESET';
      f.errorReported = false;
    });
    sock.on('end', () => {
      f.ended = true;
    });
  }

  private takeError(f: Fd): Result {
    const e = f.error!;
    f.error = undefined;
    f.errorReported = true;
    return { value: -1, errno: e };
  }

  private send(s: SyscallSpec, line: number, lenExpr: Expr | undefined): Result | 'pending' {
    const f = this.fd(s.args[0], line);
    if (!('fd' in f)) return f;
    const len = lenExpr ? this.intOf(lenExpr, line) : 0;
    const sock = f.sock;
    if (!sock) return { value: -1, errno: 'ENOTCONN' };
    if (f.error) return this.takeError(f);
    const state = sock.state;
    if (state === 'SYN-SENT' || state === 'SYN-RCVD') {
      if (f.nonblocking) return { value: -1, errno: 'EAGAIN' };
      return this.block(s, line, () =>
        sock.state === 'SYN-SENT' || sock.state === 'SYN-RCVD' ? undefined : this.doWrite(f, len),
      );
    }
    return this.doWrite(f, len);
  }

  private doWrite(f: Fd, len: number): Result {
    const sock = f.sock!;
    if (f.error) return this.takeError(f);
    if (sock.state !== 'ESTABLISHED' && sock.state !== 'CLOSE-WAIT')
      return { value: -1, errno: f.errorReported ? 'EPIPE' : 'EPIPE' };
    sock.write(new Uint8Array(len));
    return { value: len };
  }

  private recv(
    s: SyscallSpec,
    line: number,
    lenExpr: Expr | undefined,
    flagsExpr: Expr | undefined,
  ): Result | 'pending' {
    const f = this.fd(s.args[0], line);
    if (!('fd' in f)) return f;
    const len = lenExpr ? this.intOf(lenExpr, line) : 0;
    const flags = flagsExpr ? this.intOf(flagsExpr, line) : 0;
    const peek = (flags & 2) !== 0;
    const attempt = (): Result | undefined => {
      const sock = f.sock;
      if (!sock) return { value: -1, errno: 'ENOTCONN' };
      const avail = sock.readableLength;
      if (avail > 0) {
        if (peek) return { value: Math.min(len, avail) };
        // read() may hand back one buffered chunk at a time: gather up to len, as recv(2) does.
        let got = 0;
        while (got < len) {
          const chunk = sock.read(len - got);
          if (!chunk || chunk.length === 0) break;
          got += chunk.length;
        }
        return { value: got };
      }
      if (f.error) return this.takeError(f);
      if (f.readShut || f.ended || FIN_RECEIVED.has(sock.state)) return { value: 0 };
      if (sock.state === 'CLOSED') return f.errorReported ? { value: 0 } : { value: -1, errno: 'ENOTCONN' };
      return undefined;
    };
    const r = attempt();
    if (r) return r;
    if (f.nonblocking) return { value: -1, errno: 'EAGAIN' };
    return this.block(s, line, attempt);
  }

  /** Leaves a blocking call pending; it completes (and is checked) when `attempt` gives a result. */
  private block(s: SyscallSpec, line: number, attempt: () => Result | undefined): 'pending' {
    const drill = this.drill;
    const event = drill.event!;
    const startUsecs = drill.nowUsecs;
    const endUsecs =
      s.endUsecs === undefined
        ? undefined
        : event.time.type === 'relative'
          ? startUsecs - event.time.usecs + s.endUsecs
          : s.endUsecs;
    drill.pending.push({
      poll: () => {
        const r = attempt();
        if (!r) return false;
        this.check(s, line, r);
        if (endUsecs !== undefined) {
          const now = drill.nowUsecs;
          const tol = drill.tolerance;
          if (now < endUsecs - tol || now > endUsecs + tol)
            throw new ScriptFailure(
              line,
              `timing error: expected blocking system call return at ${secs(endUsecs)} sec but happened at ${secs(now)} sec; tolerance ${secs(tol)} sec`,
            );
        }
        return true;
      },
      unfinished: () => {
        throw new ScriptFailure(
          line,
          `runtime error in ${s.name} call: the call was still blocked when the script ended`,
        );
      },
    });
    return 'pending';
  }
}

/** The port in `{sa_family=AF_INET, sin_port=htons(8080), ...}`, if the script gives one. */
function portOf(e: Expr | undefined): number | undefined {
  if (e?.type !== 'struct') return undefined;
  const port = e.fields.find((f) => f.name === 'sin_port')?.value;
  if (port?.type === 'call' && port.name === 'htons' && port.args[0]?.type === 'int')
    return port.args[0].value;
  return undefined;
}
