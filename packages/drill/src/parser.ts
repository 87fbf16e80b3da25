/**
 * The packetdrill grammar (gtests/net/packetdrill/parser.y), by recursive descent:
 *
 *   script  := option* [command] event* [command]
 *   option  := --name [= value]
 *   event   := time action
 *   time    := ['+'] number ['~' ['+'] number] | '*'
 *   action  := packet | syscall | `command` | %{ code }%
 *   packet  := ('<' | '>') [ip-info] [port '>' port] flags seq:end(len) [ack N] [win N] [urg N] [<options>]
 *   syscall := ['...' time] name '(' [expr, ...] ')' '=' expr [ERRNO] ['(' note ')']
 *
 * Numbers in times are seconds (`1`, `0.100`, `.1`) kept as integer microseconds. Semantic checks
 * that packetdrill makes at parse time are made here too (time ranges and `*` only on outbound
 * packets, `seq:end(len)` consistent, inbound packets carry a window, `<...>` only outbound).
 */
import { DrillSyntaxError, type Token, tokenize } from './lexer.js';
import type {
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

export function parseScript(source: string): Script {
  return new Parser(tokenize(source)).script();
}

const U32 = 0xffff_ffff;
const U16 = 0xffff;

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.tok;
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private fail(message: string, at: Token = this.tok): never {
    const where = at.type === 'eof' ? 'end of file' : `'${at.text}'`;
    throw new DrillSyntaxError(`${message} at ${where}`, at.line, at.column);
  }

  private isChar(c: string, t: Token = this.tok): boolean {
    return t.type === 'char' && t.text === c;
  }

  private isWord(w: string, t: Token = this.tok): boolean {
    return t.type === 'word' && t.text === w;
  }

  private expectChar(c: string): Token {
    if (!this.isChar(c)) this.fail(`expected '${c}'`);
    return this.next();
  }

  private expectWord(w: string): Token {
    if (!this.isWord(w)) this.fail(`expected '${w}'`);
    return this.next();
  }

  private integer(what: string, max = Number.MAX_SAFE_INTEGER, min = 0): number {
    const t = this.tok;
    if (t.type !== 'int' && t.type !== 'hex') this.fail(`expected ${what}`);
    this.next();
    const v = t.type === 'hex' ? Number.parseInt(t.text.slice(2), 16) : Number(t.text);
    if (!(v >= min && v <= max)) this.fail(`${what} out of range`, t);
    return v;
  }

  script(): Script {
    const options: ScriptOption[] = [];
    while (this.tok.type === 'option') options.push(this.option());
    let initCommand: string | undefined;
    if (this.tok.type === 'backquoted') initCommand = this.next().text;
    const events: ScriptEvent[] = [];
    let cleanupCommand: string | undefined;
    while (this.tok.type !== 'eof') {
      if (this.tok.type === 'backquoted') {
        cleanupCommand = this.next().text;
        if ((this.tok as Token).type !== 'eof') this.fail('a command without a time must be the last line');
        break;
      }
      events.push(this.event());
    }
    return {
      options,
      ...(initCommand !== undefined ? { initCommand } : {}),
      events,
      ...(cleanupCommand !== undefined ? { cleanupCommand } : {}),
    };
  }

  private option(): ScriptOption {
    const t = this.next();
    const name = t.text.slice(2);
    if (!this.isChar('=')) return { name, value: undefined, line: t.line };
    this.next();
    const v = this.next();
    if (!['int', 'hex', 'float', 'word', 'string', 'ipv4', 'ipv6'].includes(v.type))
      this.fail('expected an option value', v);
    let value = v.text;
    // --define=NAME=VALUE
    if (v.type === 'word' && this.isChar('=')) {
      this.next();
      const rhs = this.next();
      value = `${value}=${rhs.type === 'string' ? `"${rhs.text}"` : rhs.type === 'backquoted' ? `\`${rhs.text}\`` : rhs.text}`;
    }
    return { name, value, line: t.line };
  }

  private seconds(): number {
    const t = this.tok;
    if (t.type !== 'float' && t.type !== 'int') this.fail('expected a time');
    this.next();
    const s = Number(t.text);
    if (s < 0) this.fail('negative time', t);
    // packetdrill: (s64)(secs * 1e6); rounding avoids 0.1 * 1e6 = 99999.99...
    return Math.round(s * 1e6);
  }

  private eventTime(): { time: EventTime; line: number } {
    const t = this.tok;
    if (this.isChar('*')) {
      this.next();
      return { time: { type: 'any' }, line: t.line };
    }
    if (this.isChar('+')) {
      this.next();
      const usecs = this.seconds();
      if (this.isChar('~')) {
        this.next();
        this.expectChar('+');
        const endUsecs = this.seconds();
        return { time: { type: 'relative-range', usecs, endUsecs }, line: t.line };
      }
      return { time: { type: 'relative', usecs }, line: t.line };
    }
    const usecs = this.seconds();
    if (this.isChar('~')) {
      this.next();
      const endUsecs = this.seconds();
      return { time: { type: 'absolute-range', usecs, endUsecs }, line: t.line };
    }
    return { time: { type: 'absolute', usecs }, line: t.line };
  }

  private event(): ScriptEvent {
    const { time, line } = this.eventTime();
    const action = this.action();
    if ('endUsecs' in time && time.endUsecs < time.usecs)
      throw new DrillSyntaxError('time range is backwards', line, 1);
    const outbound = action.type === 'packet' && action.packet.direction === 'outbound';
    if (time.type === 'any' && !outbound)
      throw new DrillSyntaxError('event time <star> can only be used with outbound packets', line, 1);
    if ((time.type === 'absolute-range' || time.type === 'relative-range') && !outbound)
      throw new DrillSyntaxError('event time range can only be used with outbound packets', line, 1);
    return { ...action, line, time };
  }

  private action(): Action {
    const t = this.tok;
    if (this.isChar('<') || this.isChar('>')) return { type: 'packet', packet: this.packet() };
    if (t.type === 'backquoted') {
      this.next();
      return { type: 'command', command: t.text };
    }
    if (t.type === 'code') {
      this.next();
      return { type: 'code', code: t.text };
    }
    if (t.type === 'ellipsis' || t.type === 'word') return { type: 'syscall', syscall: this.syscall() };
    return this.fail('expected a packet, a system call or a command');
  }

  // ---- packets ----

  private packet(): PacketSpec {
    const direction = this.next().text === '<' ? 'inbound' : 'outbound';
    let unsupported: string | undefined;
    let ipInfo: string | undefined;
    // packet_prefix: `ipv4 A > B:` / `ipv6 ...` / GRE / MPLS layers (encapsulation: not modelled).
    while (
      this.isWord('ipv4') ||
      this.isWord('ipv6') ||
      this.isWord('gre') ||
      this.isWord('GREv0') ||
      this.isWord('mpls')
    ) {
      unsupported ??= `${this.tok.text} encapsulation`;
      while (!this.isChar(':') && this.tok.type !== 'eof') this.next();
      this.expectChar(':');
    }
    if (this.isChar('(') || this.isChar('[')) ipInfo = this.bracketed();
    if (this.isWord('encap')) {
      unsupported ??= 'PSP encapsulation';
      while (!(this.tok.type === 'int' || this.isWord('udp')) && this.tok.type !== 'eof') this.next();
    }
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (this.tok.type === 'int' && this.isChar('>', this.peek())) {
      srcPort = this.integer('source port', U16);
      this.next();
      dstPort = this.integer('destination port', U16);
    }
    if (this.isWord('udp') || this.isWord('icmp')) {
      const kind = this.tok.text;
      // Skip to the end of this packet: the next time at the start of a line.
      const line = this.tok.line;
      while (this.tok.type !== 'eof' && this.tok.line === line) this.next();
      return {
        direction,
        flags: '',
        len: 0,
        options: [],
        unsupported: `${kind} packets`,
      };
    }
    const flags = this.flags();
    // `...(0)`: any sequence number (the nplab packetdrill extension FreeBSD's scripts use).
    let seq: number | undefined;
    let end: number | undefined;
    if (this.tok.type === 'ellipsis') {
      if (direction !== 'outbound')
        this.fail('a wildcard sequence number can only be used with outbound packets');
      this.next();
    } else {
      seq = this.integer('TCP start sequence number', U32);
      this.expectChar(':');
      end = this.integer('TCP end sequence number', U32);
    }
    this.expectChar('(');
    const len = this.integer('TCP payload size', U16);
    this.expectChar(')');
    if (seq !== undefined && end !== seq + len)
      this.fail('inconsistent TCP sequence numbers and payload size', this.peek(-1));
    let ack: number | undefined;
    let win: number | undefined;
    let urg: number | undefined;
    if (this.isWord('ack')) {
      this.next();
      ack = this.integer('TCP ack sequence number', U32);
    }
    if (this.isWord('win')) {
      this.next();
      win = this.integer('TCP window value', U16);
    } else if (direction === 'inbound') {
      this.fail('window must be specified for inbound packets');
    }
    if (this.isWord('urg')) {
      this.next();
      urg = this.integer('urg_ptr value', U16);
    }
    let options: OptionSpec[] | undefined = [];
    if (this.isChar('<')) {
      this.next();
      if (this.tok.type === 'ellipsis') {
        if (direction !== 'outbound')
          this.fail('<...> for TCP options can only be used with outbound packets');
        this.next();
        options = undefined;
      } else {
        options = this.tcpOptions();
      }
      this.expectChar('>');
      if (options && !options.some((o) => o.kind === 'unmodelled')) {
        const bytes = options.reduce((n, o) => n + optionLength(o), 0);
        if (bytes % 4 !== 0)
          this.fail(
            `TCP options are not padded correctly to ensure TCP header is a multiple of 4 bytes: ${bytes % 4} excess bytes`,
            this.peek(-1),
          );
        if (bytes > 40) this.fail('TCP option list too long', this.peek(-1));
      }
    }
    return {
      direction,
      flags,
      ...(seq !== undefined && end !== undefined ? { seq, end } : {}),
      len,
      ...(ack !== undefined ? { ack } : {}),
      ...(win !== undefined ? { win } : {}),
      ...(urg !== undefined ? { urg } : {}),
      options,
      ...(ipInfo !== undefined ? { ipInfo } : {}),
      ...(srcPort !== undefined ? { srcPort } : {}),
      ...(dstPort !== undefined ? { dstPort } : {}),
      ...(unsupported !== undefined ? { unsupported } : {}),
    };
  }

  /** `(ect0)` / `[tos 0x10]` / `[ttl 64, ...]`: kept as text. */
  private bracketed(): string {
    const close = this.next().text === '(' ? ')' : ']';
    const parts: string[] = [];
    while (!this.isChar(close)) {
      if (this.tok.type === 'eof') this.fail(`expected '${close}'`);
      parts.push(this.next().text);
    }
    this.next();
    return parts.join(' ');
  }

  /** parser.y `flags`: a word of letters, optionally followed by '.', or '.' alone, or '-' for none. */
  private flags(): string {
    if (this.isChar('.')) {
      this.next();
      return '.';
    }
    if (this.isChar('-')) {
      this.next();
      return '';
    }
    if (this.tok.type !== 'word') this.fail('expected TCP flags');
    let flags = this.next().text;
    if (!/^[FSRPUEWA]+$/.test(flags)) this.fail(`bad TCP flags '${flags}'`, this.peek(-1));
    if (this.isChar('.')) {
      this.next();
      flags += '.';
    }
    return flags;
  }

  private tcpOptions(): OptionSpec[] {
    const out: OptionSpec[] = [this.tcpOption()];
    while (this.isChar(',')) {
      this.next();
      out.push(this.tcpOption());
    }
    return out;
  }

  private tcpOption(): OptionSpec {
    const t = this.tok;
    if (t.type !== 'word') this.fail('expected a TCP option');
    this.next();
    switch (t.text) {
      case 'nop':
        return { kind: 'nop' };
      case 'eol':
        return { kind: 'eol' };
      case 'mss':
        return { kind: 'mss', value: this.integer('mss value', U16) };
      case 'wscale':
        return { kind: 'wscale', value: this.integer('window scale shift count', 0xff) };
      case 'sackOK':
        return { kind: 'sackOK' };
      case 'sack': {
        const blocks: Array<readonly [number, number]> = [];
        while (this.tok.type === 'int') {
          const left = this.integer('TCP SACK left sequence number', U32);
          this.expectChar(':');
          blocks.push([left, this.integer('TCP SACK right sequence number', U32)]);
        }
        if (blocks.length === 0) this.fail('expected a SACK block');
        return { kind: 'sack', blocks };
      }
      case 'TS': {
        this.expectWord('val');
        const val = this.integer('ts val', U32);
        this.expectWord('ecr');
        return { kind: 'TS', val, ecr: this.integer('ecr val', U32) };
      }
      case 'md5':
      case 'FO':
      case 'FOEXP':
      case 'ECN': {
        // Skip the option's arguments (a hex blob, a cookie, AccECN counters) up to ',' or '>'.
        while (!this.isChar(',') && !this.isChar('>') && this.tok.type !== 'eof') this.next();
        const names: Record<string, string> = {
          md5: 'TCP MD5 option',
          FO: 'TCP Fast Open option',
          FOEXP: 'TCP Fast Open option',
          ECN: 'AccECN option',
        };
        return { kind: 'unmodelled', name: names[t.text]! };
      }
      default:
        return this.fail('unknown TCP option', t);
    }
  }

  // ---- system calls ----

  private syscall(): SyscallSpec {
    let endUsecs: number | undefined;
    if (this.tok.type === 'ellipsis') {
      this.next();
      endUsecs = this.seconds();
    }
    if (this.tok.type !== 'word') this.fail('expected a system call name');
    const name = this.next().text;
    this.expectChar('(');
    const args: Expr[] = [];
    if (!this.isChar(')')) {
      args.push(this.expression());
      while (this.isChar(',')) {
        this.next();
        args.push(this.expression());
      }
    }
    this.expectChar(')');
    this.expectChar('=');
    const result = this.expression();
    let errno: string | undefined;
    let note: string | undefined;
    if (this.tok.type === 'word') {
      errno = this.next().text;
      if (!this.isChar('(')) this.fail(`expected a note in parentheses after ${errno}`);
    }
    if (this.isChar('(')) note = this.note();
    return {
      name,
      args,
      result,
      ...(errno !== undefined ? { errno } : {}),
      ...(note !== undefined ? { note } : {}),
      ...(endUsecs !== undefined ? { endUsecs } : {}),
    };
  }

  private note(): string {
    this.expectChar('(');
    const words: string[] = [];
    let depth = 1;
    for (;;) {
      const t = this.tok;
      if (t.type === 'eof') this.fail("expected ')'");
      this.next();
      if (this.isChar('(', t)) depth++;
      if (this.isChar(')', t) && --depth === 0) break;
      words.push(t.text);
    }
    return words.join(' ');
  }

  private expression(): Expr {
    let lhs = this.primary();
    while (this.isChar('|')) {
      this.next();
      lhs = { type: 'or', lhs, rhs: this.primary() };
    }
    return lhs;
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.type) {
      case 'ellipsis':
        this.next();
        return { type: 'ellipsis' };
      case 'int':
        this.next();
        return { type: 'int', value: Number(t.text), text: t.text };
      case 'hex':
        this.next();
        return { type: 'int', value: Number.parseInt(t.text.slice(2), 16), text: t.text };
      case 'string': {
        let value = '';
        while (this.tok.type === 'string') value += this.next().text;
        const truncated = this.tok.type === 'ellipsis';
        if (truncated) this.next();
        return { type: 'string', value, truncated };
      }
      case 'word': {
        this.next();
        if (this.isChar('(')) {
          this.next();
          const args: Expr[] = [];
          if (!this.isChar(')')) {
            args.push(this.expression());
            while (this.isChar(',')) {
              this.next();
              args.push(this.expression());
            }
          }
          this.expectChar(')');
          return { type: 'call', name: t.text, args };
        }
        return { type: 'word', name: t.text };
      }
      case 'char':
        if (t.text === '[') {
          this.next();
          const items: Expr[] = [];
          if (!this.isChar(']')) {
            items.push(this.expression());
            while (this.isChar(',')) {
              this.next();
              items.push(this.expression());
            }
          }
          this.expectChar(']');
          return { type: 'list', items };
        }
        if (t.text === '{') return this.struct();
        break;
      default:
        break;
    }
    return this.fail('expected an expression');
  }

  /** `{ name=value, name(arg)=value, value, ... }` (sockaddr, linger, msghdr, iovec, pollfd...). */
  private struct(): Expr {
    this.expectChar('{');
    const fields: Array<{ name?: string; arg?: Expr; value: Expr }> = [];
    while (!this.isChar('}')) {
      if (this.tok.type === 'eof') this.fail("expected '}'");
      if (this.tok.type === 'word' && (this.isChar('=', this.peek()) || this.isChar('(', this.peek()))) {
        const name = this.tok.text;
        // name(arg)=value, or a call used as a value: htons(8080)
        if (this.isChar('(', this.peek())) {
          const save = this.pos;
          this.next();
          this.next();
          const arg = this.isChar(')') ? ({ type: 'ellipsis' } as const) : this.expression();
          this.expectChar(')');
          if (this.isChar('=')) {
            this.next();
            fields.push({ name, arg, value: this.expression() });
          } else {
            this.pos = save;
            fields.push({ value: this.expression() });
          }
        } else {
          this.next();
          this.next();
          fields.push({ name, value: this.expression() });
        }
      } else {
        fields.push({ value: this.expression() });
      }
      if (this.isChar(',')) this.next();
      else if (!this.isChar('}')) this.fail("expected ',' or '}'");
    }
    this.next();
    return { type: 'struct', fields };
  }
}

/** Octets an option takes on the wire. */
export function optionLength(o: OptionSpec): number {
  switch (o.kind) {
    case 'nop':
    case 'eol':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackOK':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'TS':
      return 10;
    case 'unmodelled':
      return 0;
  }
}
