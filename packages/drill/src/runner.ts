/**
 * Runs a parsed packetdrill script against one simulated TCP endpoint, in virtual time.
 *
 * Theory of operation: the endpoint is a tcp-sim host (192.168.0.1, packetdrill's default local
 * address); the script's remote side is a raw tcp-sim host (192.0.2.1) whose every arriving segment
 * is queued. Each event gets its script time as packetdrill computes it (run.c
 * adjust_relative_event_times: `+t` counts from the moment the previous event finished, or from the
 * previous event's script time between two inbound packets). Inbound packets, system calls and
 * commands run the simulation up to their time and then act; an outbound packet takes the next
 * queued segment (running the simulation until one is sent, up to packetdrill's timeout of the
 * expected wait plus 2 s, none for `*`) and is checked field by field, then its time against the
 * tolerance. Blocking system calls (without O_NONBLOCK) stay pending while the script goes on, as
 * packetdrill runs them in a thread; their result and return time are checked when they complete.
 *
 * The stack is created lazily, at the first event that needs it, so that the sysctls and socket
 * options a script sets first become the profile and buffers the stack starts with.
 */
import {
  createSimulation,
  type RawArrival,
  Rng,
  type SimHost,
  type Simulation,
  type TcpSegment,
  type TimerProfile,
} from '@synack/tcp-sim';
import type { Os } from './errno.js';
import { type Outcome, ScriptFailure, Unsupported } from './outcome.js';
import {
  describeLivePacket,
  describeScriptPacket,
  fieldError,
  flagBits,
  optionOctets,
  optionValues,
  SpaceMap,
  verifyOutbound,
} from './packets.js';
import type { PacketSpec, Script, ScriptEvent } from './script.js';
import { type Pending, SocketLayer } from './syscalls.js';
import { applySysctl, initialSettings, type StackSettings } from './sysctl.js';

export type DrillProfile = 'rfc' | 'linux' | 'freebsd';

export interface DrillOptions {
  /** The stack the script is written for (default 'linux', packetdrill's home). */
  readonly profile?: DrillProfile;
  readonly seed?: number;
  /** Command-line style options (`tolerance_usecs`, ...) that the script's own override. */
  readonly options?: Readonly<Record<string, string>>;
}

export const LOCAL_ADDRESS = '192.168.0.1';
export const REMOTE_ADDRESS = '192.0.2.1';
/** packetdrill binds and connects to port 8080 by default. */
export const SCRIPT_PORT = 8080;
/** The remote side's port for connections it opens. */
export const REMOTE_PORT = 40_000;

/** Options packetdrill accepts that change nothing in a simulated run. */
const HARMLESS_OPTIONS = new Set([
  'ip_version',
  'tolerance_usecs',
  'tolerance_percent',
  'verbose',
  'local_ip',
  'remote_ip',
  'gateway_ip',
  'netmask_ip',
  'non_fatal',
  'dry_run',
  'debug',
  'define',
  'persistent_tun_dev',
  'tun_dev',
  'wire_server',
  'tcp_ts_ecr_scaled',
  'strict_segments',
  'tcp_ts_tick_usecs',
  'so_filename',
  'init_scripts',
  'bind_port',
  'connect_port',
  'speed',
  'mtu',
  'mss',
]);

export class DrillRun {
  readonly os: Os;
  readonly profileName: DrillProfile;
  readonly settings: StackSettings = initialSettings();
  sim: Simulation | undefined;
  tcp: SimHost | undefined;
  remote: SimHost | undefined;
  readonly map = new SpaceMap();
  readonly sockets: SocketLayer;
  private readonly inbox: RawArrival[] = [];
  private cursor = 0;
  private toleranceUsecs = 4000;
  private tolerancePercent = 0;
  private tsEcrScaled = false;
  private strictSegments = false;
  /** Script time of the previous event (µs) and whether it was an inbound packet. */
  private lastScriptUsecs = 0;
  private lastWasInbound = false;
  /** The event being run (for pending blocking calls' messages). */
  event: ScriptEvent | undefined;
  readonly localIsn: number;
  readonly pending: Pending[] = [];

  constructor(
    readonly script: Script,
    private readonly runOptions: DrillOptions = {},
  ) {
    this.profileName = runOptions.profile ?? 'linux';
    this.os = this.profileName === 'freebsd' ? 'freebsd' : 'linux';
    this.sockets = new SocketLayer(this);
    this.localIsn = new Rng(runOptions.seed ?? 1).nextU32();
    if (this.profileName === 'freebsd') {
      this.settings.receiveBuffer = 65536;
      this.settings.sendBuffer = 32768;
    }
  }

  /** Script time before the stack exists (the stack's clock starts at the script time it is made). */
  private clockUsecs = 0;

  /** Virtual time in µs. */
  get nowUsecs(): number {
    return this.sim ? Math.round(this.sim.now * 1000) : this.clockUsecs;
  }

  run(): Outcome {
    try {
      this.applyOptions();
      if (this.script.initCommand !== undefined) this.command(this.script.initCommand, 0);
      for (const event of this.script.events) this.runEvent(event);
      this.finishPending();
      return { status: 'pass' };
    } catch (e) {
      if (e instanceof ScriptFailure)
        return {
          status: 'fail',
          line: e.line,
          message: e.message,
          ...(e.expected !== undefined ? { expected: e.expected } : {}),
          ...(e.actual !== undefined ? { actual: e.actual } : {}),
        };
      if (e instanceof Unsupported)
        return {
          status: 'unsupported',
          construct: e.construct,
          ...(e.line !== undefined ? { line: e.line } : {}),
        };
      throw e;
    }
  }

  private applyOptions(): void {
    const all = new Map<string, { value: string | undefined; line?: number }>();
    for (const [k, v] of Object.entries(this.runOptions.options ?? {})) all.set(k, { value: v });
    for (const o of this.script.options) all.set(o.name, { value: o.value, line: o.line });
    for (const [name, { value, line }] of all) {
      if (name === 'ip_version' && value !== undefined && value !== 'ipv4')
        throw new Unsupported(`--ip_version=${value} (the simulator is IPv4 only)`, line);
      if (name === 'tolerance_usecs') this.toleranceUsecs = Number(value);
      else if (name === 'tolerance_percent') this.tolerancePercent = Number(value);
      else if (name === 'tcp_ts_ecr_scaled') this.tsEcrScaled = true;
      else if (name === 'strict_segments') this.strictSegments = true;
      else if (name === 'mss' || name === 'mtu') throw new Unsupported(`--${name}`, line);
      else if (!HARMLESS_OPTIONS.has(name)) throw new Unsupported(`--${name}`, line);
    }
  }

  /** The profile the stack starts with: the named one plus what the script set. */
  profileSpec(): Partial<TimerProfile> & { base: DrillProfile } {
    return { base: this.profileName, ...this.settings.profile };
  }

  /** Creates the simulated stack (once), with the settings gathered so far. */
  ensureStack(): void {
    if (this.sim) return;
    this.sim = createSimulation({ seed: this.runOptions.seed ?? 1, profile: this.profileSpec() });
    const isn = this.localIsn;
    this.tcp = this.sim.addHost({
      name: 'tcp',
      address: LOCAL_ADDRESS,
      isn: () => isn,
      ...(this.settings.receiveBuffer !== undefined ? { receiveBuffer: this.settings.receiveBuffer } : {}),
      ...(this.settings.sendBuffer !== undefined ? { sendHighWaterMark: this.settings.sendBuffer } : {}),
    });
    this.remote = this.sim.addHost({ name: 'remote', address: REMOTE_ADDRESS, raw: true });
    // packetdrill writes inbound packets into a tun device, where the MTU is not enforced on what
    // arrives (scripts inject 2000-octet segments): the remote-to-stack direction takes any size;
    // the stack's MSS still comes from the 1500-octet direction.
    this.sim.setLink(this.tcp, this.remote, { forward: { delay: 0 }, backward: { delay: 0, mtu: 65535 } });
    this.remote.onSegment((a) => this.inbox.push(a));
    // The stack starts at the current script time (0 on the virtual clock would shift every event).
    if (this.clockUsecs > 0) this.sim.run({ until: this.clockUsecs / 1000 });
  }

  private scriptTime(event: ScriptEvent): { start: number; end: number | undefined } {
    const t = event.time;
    const inbound = event.type === 'packet' && event.packet.direction === 'inbound';
    const offset = this.lastWasInbound && inbound ? this.lastScriptUsecs : this.nowUsecs;
    switch (t.type) {
      case 'absolute':
        return { start: t.usecs, end: undefined };
      case 'absolute-range':
        return { start: t.usecs, end: t.endUsecs };
      case 'relative':
        return { start: offset + t.usecs, end: undefined };
      case 'relative-range':
        return { start: offset + t.usecs, end: offset + t.endUsecs };
      case 'any':
        return { start: this.nowUsecs, end: undefined };
    }
  }

  private runEvent(event: ScriptEvent): void {
    this.event = event;
    const { start, end } = this.scriptTime(event);
    switch (event.type) {
      case 'packet':
        if (event.packet.unsupported) throw new Unsupported(event.packet.unsupported, event.line);
        if (event.packet.ipInfo !== undefined)
          throw new Unsupported(`IP header fields (${event.packet.ipInfo})`, event.line);
        if (event.packet.options?.some((o) => o.kind === 'unmodelled')) {
          const o = event.packet.options.find((x) => x.kind === 'unmodelled') as { name: string };
          throw new Unsupported(o.name, event.line);
        }
        if (event.packet.direction === 'inbound') {
          this.ensureStack();
          this.runUntil(start);
          this.inject(event.packet, event.line);
        } else {
          this.ensureStack();
          this.expectOutbound(event, start, end);
        }
        break;
      case 'syscall':
        this.runUntil(start);
        this.sockets.call(event.syscall, event.line, start);
        break;
      case 'command':
        this.runUntil(start);
        this.command(event.command, event.line);
        break;
      case 'code':
        throw new Unsupported('code snippets (%{ ... }%, Python over tcp_info)', event.line);
    }
    this.lastScriptUsecs = start;
    this.lastWasInbound = event.type === 'packet' && event.packet.direction === 'inbound';
    this.pollPending();
  }

  /** Runs the simulation up to `usecs` (events at that instant included), completing blocking calls. */
  runUntil(usecs: number): void {
    if (!this.sim) {
      this.clockUsecs = Math.max(this.clockUsecs, usecs);
      return;
    }
    const until = usecs / 1000;
    for (;;) {
      const next = this.sim.nextEventTime;
      if (next === undefined || next > until) break;
      this.sim.step();
      this.pollPending();
    }
    if (this.sim.now < until) this.sim.run({ until });
  }

  pollPending(): void {
    for (let i = 0; i < this.pending.length; ) {
      const p = this.pending[i]!;
      if (p.poll()) this.pending.splice(i, 1);
      else i++;
    }
  }

  private finishPending(): void {
    // packetdrill waits for blocking calls still running at the end of the script.
    const p = this.pending[0];
    if (p) p.unfinished();
  }

  // ---- packets ----

  private inject(p: PacketSpec, line: number): void {
    const ackOffset = this.map.ackOffset;
    const flags = flagBits(p.flags);
    const ecr = (script: number) => {
      if (!(flags & 0x10)) return script;
      const live = this.map.tsEcrToLive(script, this.tsEcrScaled);
      if (live === undefined)
        throw new ScriptFailure(
          line,
          `error handling packet: unable to infer live TS ecr for script TS ecr ${script};  no matching or preceding outbound TS val`,
        );
      return live;
    };
    const options = p.options ?? [];
    const ports = this.sockets.scriptTuple();
    // A SYN that will open a connection: the endpoint's ISN becomes known (it answers with it).
    if ((flags & 0x12) === 0x02 && this.sockets.listening()) this.map.liveLocalIsn = this.localIsn;
    const seg: TcpSegment = {
      srcPort: p.srcPort ?? ports.remotePort,
      dstPort: p.dstPort ?? ports.localPort,
      seq: p.seq! >>> 0,
      ack: flags & 0x10 ? ((p.ack ?? 0) + ackOffset) >>> 0 : (p.ack ?? 0) >>> 0,
      flags,
      window: p.win ?? 0,
      urgentPointer: p.urg ?? 0,
      options: optionValues(options, ecr, ackOffset),
      optionBytes: optionOctets(options, ecr, ackOffset),
      payload: new Uint8Array(p.len),
    };
    this.remote!.send(LOCAL_ADDRESS, seg);
  }

  private expectOutbound(
    event: ScriptEvent & { type: 'packet' },
    start: number,
    end: number | undefined,
  ): void {
    const p = event.packet;
    const any = event.time.type === 'any';
    // run_packet.c sniff_outbound_live_packet: wait up to the expected wait (whole seconds) + 2 s.
    const wait = Math.max(start, end ?? start) - this.lastScriptUsecs;
    const deadline = any
      ? Number.POSITIVE_INFINITY
      : this.nowUsecs + (Math.floor(Math.max(0, wait) / 1e6) + 2) * 1e6;
    const arrival = this.aggregate(p, event.line, this.nextArrival(deadline, any), deadline, any);
    const { segment, packet, time } = arrival;
    if (segment.flags & 0x02 && p.flags.includes('S') && p.seq !== undefined) this.map.scriptLocalIsn = p.seq;
    const actualUsecs = Math.round(time * 1000);
    const expected = `${secs(start)} ${describeScriptPacket(p)}`;
    const actual = () =>
      `${secs(actualUsecs)} ${describeLivePacket(segment, packet, this.map, p.win !== undefined)}`;
    const mismatch = verifyOutbound(p, segment, packet, this.map);
    if (mismatch)
      throw new ScriptFailure(event.line, `error handling packet: ${mismatch}`, expected, actual());
    this.rememberTs(p, packet);
    const timing = this.checkTime(event, start, end, actualUsecs, 'outbound packet');
    if (timing) throw new ScriptFailure(event.line, `error handling packet: ${timing}`, expected, actual());
  }

  /**
   * run_packet.c do_outbound_script_packet: a script packet larger than what the stack sent at once
   * (a TSO/GSO super-segment in the script) is matched by sequential segments, aggregated: the
   * first one's sequence number, the last one's headers and time, every payload in order. Each
   * fragment's headers must match the previous one's (flags aside from FIN/PSH/CWR, ack, window).
   */
  private aggregate(
    p: PacketSpec,
    line: number,
    first: RawArrival | undefined,
    deadline: number,
    any: boolean,
  ): RawArrival & { packet: Uint8Array } {
    if (!first)
      throw new ScriptFailure(
        line,
        'error handling packet: Timed out waiting for packet',
        describeScriptPacket(p),
      );
    let last = first;
    let total = first.segment.payload.length;
    const payloads = [first.segment.payload];
    while (total < p.len && !this.strictSegments && first.segment.payload.length > 0) {
      const next = this.nextArrival(deadline, any);
      if (!next) break;
      const a = last.segment;
      const b = next.segment;
      // verify_packet_fragments: headers as the previous fragment's (non-strict), payload sizes equal.
      const mask = ~(0x01 | 0x08 | 0x80);
      const fail = (message: string): never => {
        throw new ScriptFailure(line, `error handling packet: ${message}`, describeScriptPacket(p));
      };
      if ((a.flags & mask) !== (b.flags & mask))
        fail(fieldError('tcp_flags', a.flags & mask, b.flags & mask));
      if (b.seq !== (a.seq + a.payload.length) >>> 0)
        fail(
          fieldError(
            'tcp_seq',
            (a.seq + a.payload.length - this.map.liveLocalIsn + this.map.scriptLocalIsn) >>> 0,
            (b.seq - this.map.liveLocalIsn + this.map.scriptLocalIsn) >>> 0,
          ),
        );
      if (b.ack !== a.ack) fail(fieldError('tcp_ack_seq', a.ack, b.ack));
      if (b.window !== a.window) fail(fieldError('tcp_window', a.window, b.window));
      if (b.payload.length < p.len - total && b.payload.length !== a.payload.length)
        fail(
          `fragment payload: expected ${a.payload.length} bytes vs actual ${b.payload.length} bytes; total payload: expected ${p.len} bytes vs actual ${total + b.payload.length} bytes`,
        );
      payloads.push(b.payload);
      total += b.payload.length;
      last = next;
    }
    if (last === first) return first as RawArrival & { packet: Uint8Array };
    const payload = new Uint8Array(total);
    let at = 0;
    for (const part of payloads) {
      payload.set(part, at);
      at += part.length;
    }
    const ihl = (last.packet![0]! & 0x0f) * 4;
    const headerLen = ihl + (last.packet![ihl + 12]! >>> 4) * 4;
    const packet = new Uint8Array(headerLen + total);
    packet.set(last.packet!.subarray(0, headerLen));
    packet.set(payload, headerLen);
    packet[2] = (packet.length >>> 8) & 0xff;
    packet[3] = packet.length & 0xff;
    return {
      time: last.time,
      from: last.from,
      segment: { ...last.segment, seq: first.segment.seq, payload },
      packet,
    };
  }

  private rememberTs(p: PacketSpec, packet: Uint8Array): void {
    const ts = p.options?.find((o) => o.kind === 'TS');
    if (ts?.kind !== 'TS') return;
    const ihl = (packet[0]! & 0x0f) * 4;
    const end = ihl + (packet[ihl + 12]! >>> 4) * 4;
    for (let i = ihl + 20; i < end; ) {
      const kind = packet[i]!;
      if (kind === 0) break;
      if (kind === 1) {
        i++;
        continue;
      }
      if (kind === 8) {
        const v =
          ((packet[i + 2]! << 24) | (packet[i + 3]! << 16) | (packet[i + 4]! << 8) | packet[i + 5]!) >>> 0;
        this.map.rememberTsVal(ts.val, v);
        return;
      }
      i += Math.max(2, packet[i + 1]!);
    }
  }

  /** run.c verify_time, with packetdrill's messages. */
  checkTime(
    event: ScriptEvent,
    start: number,
    end: number | undefined,
    actual: number,
    what: string,
  ): string | undefined {
    if (event.time.type === 'any') return undefined;
    let tolerance = this.toleranceUsecs;
    const dynamic = (this.tolerancePercent / 100) * (start - this.lastScriptUsecs);
    if (dynamic > tolerance) tolerance = dynamic;
    if (end !== undefined) {
      if (actual < start - tolerance || actual > end + tolerance)
        return `timing error: expected ${what} in time range ${secs(start)}~${secs(end)} sec but happened at ${secs(actual)} sec`;
      return undefined;
    }
    if (actual < start - tolerance || actual > start + tolerance)
      return `timing error: expected ${what} at ${secs(start)} sec but happened at ${secs(actual)} sec; tolerance ${secs(tolerance)} sec`;
    return undefined;
  }

  /** Tolerance for a blocking call's return time. */
  get tolerance(): number {
    return this.toleranceUsecs;
  }

  /** The next segment the endpoint sent, running the simulation for it until `deadline` (µs). */
  nextArrival(deadline: number, any = false): RawArrival | undefined {
    const sim = this.sim!;
    while (this.cursor >= this.inbox.length) {
      const next = sim.nextEventTime;
      if (next === undefined) break;
      if (!any && next * 1000 > deadline) break;
      if (any && next * 1000 > this.nowUsecs + 3600e6) break;
      sim.step();
      this.pollPending();
    }
    const a = this.inbox[this.cursor];
    if (!a) return undefined;
    this.cursor++;
    return a;
  }

  // ---- commands ----

  private command(text: string, line: number): void {
    const joined = text.replace(/\\\n/g, ' ');
    for (const raw of joined.split(/\n|;/)) {
      const cmd = raw.trim();
      if (cmd === '') continue;
      this.oneCommand(cmd, line);
    }
  }

  private oneCommand(cmd: string, line: number): void {
    const sysctl = /^sysctl\s+(?:-[wq]+\s+)*(.*)$/.exec(cmd);
    if (sysctl) {
      for (const assignment of sysctl[1]!.replace(/\s*[>&|].*$/, '').split(/\s+/)) {
        const m = /^([\w.]+)=("?)(.*)\2$/.exec(assignment);
        if (!m) throw new Unsupported(`command \`${cmd}\``, line);
        this.sysctl(m[1]!, m[3]!, line);
      }
      return;
    }
    const sockstat = /^sockstat\b.*\|\s*grep -c (\w+)\s*\|\s*grep (\d+)$/.exec(cmd);
    if (sockstat) {
      const count = this.sockets.countInState(sockstat[1]!);
      if (String(count) !== sockstat[2])
        throw new ScriptFailure(
          line,
          `error executing \`${cmd}\` command: non-zero status 1 (${count} socket${count === 1 ? '' : 's'} in ${sockstat[1]})`,
        );
      return;
    }
    const tcpdrop = /^tcpdrop -s (\w+)$/.exec(cmd);
    if (tcpdrop) {
      this.sockets.dropInState(tcpdrop[1]!);
      return;
    }
    if (/(^|\/)defaults\.sh$/.test(cmd)) {
      if (this.profileName !== 'linux')
        throw new Unsupported(`command \`${cmd}\` (Linux's defaults, run with --profile linux)`, line);
      // The linux profile is those defaults, but for the window scale: tcp_rmem's maximum of 15 MiB
      // there asks for a shift of 8; tcp_syn_retries there is 5.
      if (!this.sim) {
        this.settings.profile.windowScale = 8;
        this.settings.profile.synRetries = 5;
      }
      return;
    }
    throw new Unsupported(`command \`${cmd}\``, line);
  }

  private sysctl(name: string, value: string, line: number): void {
    const before = JSON.stringify(this.settings);
    try {
      applySysctl(this.settings, name, value);
    } catch (e) {
      if (e instanceof Unsupported) throw new Unsupported(e.construct, line);
      throw e;
    }
    // After the stack started, a change can only be accepted when nothing runs afterwards (cleanup).
    if (this.sim && JSON.stringify(this.settings) !== before && this.eventsFollow())
      throw new Unsupported(`sysctl ${name}=${value} after the stack started`, line);
  }

  private eventsFollow(): boolean {
    const events = this.script.events;
    const at = this.event ? events.indexOf(this.event) : -1;
    return events.slice(at + 1).some((e) => e.type === 'packet' || e.type === 'syscall');
  }
}

export function secs(usecs: number): string {
  return (usecs / 1e6).toFixed(6);
}

export function runScript(script: Script, options?: DrillOptions): Outcome {
  return new DrillRun(script, options).run();
}
