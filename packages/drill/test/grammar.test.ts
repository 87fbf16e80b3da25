import { describe, expect, it } from 'vitest';
import { DrillSyntaxError, parseScript, preprocess, tokenize } from '../src/index.js';

/** The first event of a one-line script. */
function event(line: string) {
  const e = parseScript(line).events[0];
  if (!e) throw new Error('no event');
  return e;
}

describe('packetdrill lexer (lexer.l rules: longest match, then the earlier rule)', () => {
  it.each([
    ['0x02', 'hex'],
    ['1000', 'int'],
    ['-1', 'int'],
    ['.1', 'float'],
    ['0.100', 'float'],
    ['192.168.0.1', 'ipv4'],
    ['...', 'ellipsis'],
    ['--tolerance_usecs', 'option'],
    ['sackOK', 'word'],
    ['"a\\"b"', 'string'],
    ['`sysctl -w x=1`', 'backquoted'],
    ['%{ assert x }%', 'code'],
  ])('%s is one %s token', (text, type) => {
    const [t] = tokenize(text);
    expect(t).toMatchObject({ type });
  });

  it('skips // and /* */ comments and counts lines through them', () => {
    const tokens = tokenize('// one\n/* two\nthree */ 4');
    expect(tokens[0]).toMatchObject({ type: 'int', text: '4', line: 3 });
  });

  it('a back-quoted command may span lines (a backslash before the newline)', () => {
    const [t] = tokenize('`a \\\n b`');
    expect(t).toMatchObject({ type: 'backquoted', text: 'a \\\n b' });
  });
});

describe('event times (parser.y event_time)', () => {
  it.each([
    ['0 close(3) = 0', { type: 'absolute', usecs: 0 }],
    ['1.5 close(3) = 0', { type: 'absolute', usecs: 1_500_000 }],
    ['+.1 close(3) = 0', { type: 'relative', usecs: 100_000 }],
    ['+ 0.00 close(3) = 0', { type: 'relative', usecs: 0 }],
    ['* > S 0:0(0) <...>', { type: 'any' }],
    ['0.1~0.2 > S 0:0(0) <...>', { type: 'absolute-range', usecs: 100_000, endUsecs: 200_000 }],
    ['+0.1~+0.2 > S 0:0(0) <...>', { type: 'relative-range', usecs: 100_000, endUsecs: 200_000 }],
  ])('%s', (line, time) => {
    expect(event(line).time).toEqual(time);
  });

  it.each([
    ['* close(3) = 0', /event time <star> can only be used with outbound packets/],
    ['0.1~0.2 < S 0:0(0) win 1', /time range can only be used with outbound packets/],
    ['0.2~0.1 > S 0:0(0) <...>', /time range is backwards/],
  ])('%s is rejected as packetdrill rejects it', (line, message) => {
    expect(() => parseScript(line)).toThrow(message);
  });

  it('a blocking call: `0...0.1 accept(...)` ends at 0.1 s', () => {
    expect(event('0...0.1 accept(3, ..., ...) = 4')).toMatchObject({
      type: 'syscall',
      syscall: { name: 'accept', endUsecs: 100_000 },
    });
  });
});

describe('packets (parser.y tcp_packet_spec)', () => {
  it('flags, seq:end(len), ack, win and options in the order written', () => {
    expect(event('0 < S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,eol,eol>')).toMatchObject({
      type: 'packet',
      packet: {
        direction: 'inbound',
        flags: 'S.',
        seq: 0,
        end: 0,
        len: 0,
        ack: 1,
        win: 32767,
        options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, { kind: 'eol' }, { kind: 'eol' }],
      },
    });
  });

  it('every option packetdrill writes: nop, wscale, sack blocks, TS val/ecr', () => {
    const e = event('0 > . 1:1(0) ack 1 win 5 <nop,nop,TS val 7 ecr 9,nop,wscale 6,nop,nop,sack 1:2 3:4>');
    expect(e).toMatchObject({
      packet: {
        options: [
          { kind: 'nop' },
          { kind: 'nop' },
          { kind: 'TS', val: 7, ecr: 9 },
          { kind: 'nop' },
          { kind: 'wscale', value: 6 },
          { kind: 'nop' },
          { kind: 'nop' },
          {
            kind: 'sack',
            blocks: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
    });
  });

  it('`-` is no flags, `.` alone is ACK; win and options may be left out of outbound packets', () => {
    expect(event('0 > - 0:0(0)')).toMatchObject({ packet: { flags: '', options: [] } });
    expect(event('0 > . 1:1(0) ack 2')).toMatchObject({ packet: { flags: '.', ack: 2 } });
    expect((event('0 > . 1:1(0) ack 2') as { packet: { win?: number } }).packet.win).toBeUndefined();
  });

  it('`<...>` leaves outbound options unchecked; `...(0)` any sequence number', () => {
    const e = event('0 > S. ...(0) ack 1 <...>') as { packet: { seq?: number; options?: unknown } };
    expect(e.packet.seq).toBeUndefined();
    expect(e.packet.options).toBeUndefined();
  });

  it.each([
    ['0 < S 0:0(0)', /window must be specified for inbound packets/],
    ['0 > S 0:10(5) <...>', /inconsistent TCP sequence numbers and payload size/],
    ['0 < S 0:0(0) win 1 <...>', /<...> for TCP options can only be used with outbound packets/],
    ['0 < S 0:0(0) win 1 <mss 1460,sackOK>', /not padded correctly/],
    ['0 < S 0:0(0) win 70000', /TCP window value out of range/],
  ])('%s is a syntax error', (line, message) => {
    expect(() => parseScript(line)).toThrow(message);
  });

  it('syntax errors carry the line and column', () => {
    try {
      parseScript('0 close(3) = 0\n+0 > S 0:0(0\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DrillSyntaxError);
      expect((e as DrillSyntaxError).line).toBe(3);
    }
  });

  it('udp and icmp packets are kept, marked as not modelled', () => {
    expect(event('0 < udp (100)')).toMatchObject({ packet: { unsupported: 'udp packets' } });
  });
});

describe('system calls (parser.y syscall_spec)', () => {
  it('result, errno and the note in parentheses', () => {
    expect(event('0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)')).toMatchObject({
      type: 'syscall',
      syscall: {
        name: 'connect',
        args: [{ type: 'int', value: 3 }, { type: 'ellipsis' }, { type: 'ellipsis' }],
        result: { type: 'int', value: -1 },
        errno: 'EINPROGRESS',
        note: 'Operation now in progress',
      },
    });
  });

  it('hex results, | expressions, lists, structs and calls', () => {
    expect(event('0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)')).toMatchObject({
      syscall: { result: { type: 'int', value: 0x802 }, note: 'flags O_RDWR | O_NONBLOCK' },
    });
    expect(event('0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0')).toMatchObject({
      syscall: { args: [{}, {}, { type: 'or', lhs: { name: 'O_RDWR' }, rhs: { name: 'O_NONBLOCK' } }] },
    });
    expect(event('0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0')).toMatchObject({
      syscall: { args: [{}, {}, {}, { type: 'list', items: [{ type: 'word', name: 'ECONNRESET' }] }, {}] },
    });
    expect(event('0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0')).toMatchObject({
      syscall: {
        args: [
          {},
          {},
          {},
          {
            type: 'struct',
            fields: [
              { name: 'onoff', value: { value: 1 } },
              { name: 'linger', value: { value: 0 } },
            ],
          },
          {},
        ],
      },
    });
    expect(
      event('0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("192.0.2.1")}, 16) = 0'),
    ).toMatchObject({
      syscall: {
        args: [
          {},
          { type: 'struct', fields: [{}, { name: 'sin_port', value: { type: 'call', name: 'htons' } }, {}] },
          {},
        ],
      },
    });
  });
});

describe('script structure (parser.y script)', () => {
  it('options first, an init command, events, a cleanup command', () => {
    const s = parseScript('--ip_version=ipv4\n--tolerance_usecs=75000\n`init`\n0 close(3) = 0\n`cleanup`\n');
    expect(s.options).toEqual([
      { name: 'ip_version', value: 'ipv4', line: 1 },
      { name: 'tolerance_usecs', value: '75000', line: 2 },
    ]);
    expect(s.initCommand).toBe('init');
    expect(s.cleanupCommand).toBe('cleanup');
    expect(s.events).toHaveLength(1);
  });

  it('--define=NAME=VALUE keeps both sides', () => {
    expect(parseScript('--define=CC="reno"\n').options[0]).toMatchObject({
      name: 'define',
      value: 'CC="reno"',
    });
  });
});

describe('cpp conditionals (the FreeBSD tcp-testsuite runs its scripts through cpp)', () => {
  const src = 'a\n#ifdef FreeBSD\nb\n#else\nc\n#endif\n#ifndef FreeBSD\nd\n#endif\ne';
  it('keeps the branches for the defined names and blanks the rest, line numbers unchanged', () => {
    expect(preprocess(src, new Set(['FreeBSD'])).split('\n')).toEqual([
      'a',
      '',
      'b',
      '',
      '',
      '',
      '',
      '',
      '',
      'e',
    ]);
    expect(preprocess(src, new Set()).split('\n')).toEqual(['a', '', '', '', 'c', '', '', 'd', '', 'e']);
  });
  it('an unbalanced #endif is a syntax error', () => {
    expect(() => preprocess('#endif', new Set())).toThrow(/#endif without #if/);
  });
});
