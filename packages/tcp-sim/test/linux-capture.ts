/**
 * Real Linux on loopback, for the fidelity test: node:net scripts on 127.0.0.1 captured by dumpcap
 * (tshark's capture engine) into a classic pcap, decoded with our own IPv4/TCP decoders, and turned
 * into the same segment rows as a simulation trace: direction, flags, SEQ/ACK relative to each
 * side's ISN, payload length. Everything opened is closed; every wait is bounded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeIpv4Packet, decodeTcpSegment, flagNames, type Simulation, type TcpSegment } from './shim.js';

/** One segment as compared: 'c>s S. 0 1 0' = from client to server, flags, rel seq, rel ack, length. */
export interface Row {
  readonly from: 'c' | 's';
  readonly flags: string;
  readonly seq: number;
  readonly ack: number | undefined;
  readonly len: number;
  /** ms since the connection's first segment (capture or virtual time). */
  readonly t: number;
  /** SEG.WND as sent (unscaled). */
  readonly win: number;
  /** The client's port: tells the connections of one exchange apart. */
  readonly clientPort: number;
}

/** One captured or simulated segment, before numbering. */
export interface Captured {
  readonly fromClient: boolean;
  readonly seg: TcpSegment;
  /** ms (capture timestamp or virtual time). */
  readonly time: number;
}

export function rowText(r: Row): string {
  return `${r.from}>${r.from === 'c' ? 's' : 'c'} ${r.flags} seq=${r.seq}${r.ack === undefined ? '' : ` ack=${r.ack}`} len=${r.len}`;
}

const SHORT: Record<string, string> = {
  SYN: 'S',
  FIN: 'F',
  RST: 'R',
  PSH: 'P',
  ACK: '.',
  URG: 'U',
  ECE: 'E',
  CWR: 'W',
};

/** Relative numbering as Wireshark does: each side's first SYN gives its ISN; a side that never sent one counts from 0. */
export function toRows(segments: readonly Captured[]): Row[] {
  const isn: { c?: number; s?: number } = {};
  for (const { fromClient, seg } of segments) {
    const side = fromClient ? 'c' : 's';
    if (seg.flags & 0x02 && isn[side] === undefined) isn[side] = seg.seq;
  }
  const t0 = segments[0]?.time ?? 0;
  return segments.map(({ fromClient, seg, time }) => {
    const me = fromClient ? 'c' : 's';
    const peer = fromClient ? 's' : 'c';
    const base = isn[me] ?? 0;
    const ackBase = isn[peer] ?? 0;
    return {
      from: me,
      flags: flagNames(seg.flags)
        .map((f) => SHORT[f])
        .join(''),
      seq: (seg.seq - base) >>> 0,
      ack: seg.flags & 0x10 ? (seg.ack - ackBase) >>> 0 : undefined,
      len: seg.payload.length,
      t: time - t0,
      win: seg.window,
      clientPort: fromClient ? seg.srcPort : seg.dstPort,
    };
  });
}

/** The connections of one exchange (by client port, in the order their first segment came), numbered apart. */
export function byConnection(segments: readonly Captured[]): Row[][] {
  const groups = new Map<number, Captured[]>();
  for (const c of segments) {
    const port = c.fromClient ? c.seg.srcPort : c.seg.dstPort;
    let g = groups.get(port);
    if (!g) {
      g = [];
      groups.set(port, g);
    }
    g.push(c);
  }
  return [...groups.values()].map(toRows);
}

/** Pure ACKs (no data, no SYN/FIN/RST): their placement races with delayed ACK and is compared apart. */
export const isPureAck = (r: Row) => r.flags === '.' && r.len === 0;

/** Whether this machine can capture on lo (root or capabilities, and dumpcap installed). */
export function captureProblem(): string | undefined {
  // A loaded machine can make one probe fail: try three times before calling capture impossible.
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const probe = spawnSync('dumpcap', ['-D'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.error || probe.status !== 0) {
      last = `dumpcap (tshark) is not installed or cannot list interfaces (${probe.error?.message ?? probe.stderr})`;
      continue;
    }
    if (!/\blo\b/.test(probe.stdout))
      return 'no loopback interface visible to dumpcap (need root or CAP_NET_RAW)';
    return undefined;
  }
  return last;
}

export class LoopbackCapture {
  private readonly dir = mkdtempSync(join(tmpdir(), 'synack-fidelity-'));
  readonly file = join(this.dir, 'lo.pcap');
  private proc: ChildProcess | undefined;

  constructor(readonly ports: readonly [number, number]) {}

  /** Starts dumpcap and resolves once it captures (bounded: 10 s). */
  async start(): Promise<void> {
    const filter = `tcp portrange ${this.ports[0]}-${this.ports[1]}`;
    const proc = spawn('dumpcap', ['-i', 'lo', '-P', '-f', filter, '-w', this.file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${err}`)), 10_000);
      proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('Capturing on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dumpcap exited with ${code}: ${err}`));
      });
    });
    // "Capturing on" is printed as the capture opens; give the kernel filter a moment to attach.
    await sleep(500);
  }

  /** Stops dumpcap (after a grace period for the last packets) and returns the packets per port. */
  async stop(): Promise<Map<number, Captured[]>> {
    await sleep(300);
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGINT');
      await Promise.race([exited, sleep(5000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    const bytes = readFileSync(this.file);
    rmSync(this.dir, { recursive: true, force: true });
    return splitByServerPort(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), this.ports);
  }

  dispose(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Classic pcap: link-layer header length by LINKTYPE (Ethernet on Linux lo, or cooked / raw). */
function linkHeader(linktype: number): number {
  if (linktype === 1) return 14; // EN10MB
  if (linktype === 113) return 16; // LINUX_SLL
  if (linktype === 276) return 20; // LINUX_SLL2
  if (linktype === 101 || linktype === 228) return 0; // RAW, IPV4
  if (linktype === 0) return 4; // NULL
  throw new Error(`unsupported pcap link type ${linktype}`);
}

function splitByServerPort(pcap: Uint8Array, ports: readonly [number, number]): Map<number, Captured[]> {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const magic = view.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && view.getUint32(0, false) !== 0xa1b2c3d4 && view.getUint32(0, false) !== 0xa1b23c4d)
    throw new Error('not a classic pcap file');
  const skip = linkHeader(view.getUint32(20, le));
  const out = new Map<number, Captured[]>();
  // Nanosecond pcaps (magic a1b23c4d) carry nanoseconds where classic ones carry microseconds.
  const nano = view.getUint32(0, le) === 0xa1b23c4d;
  for (let at = 24; at + 16 <= pcap.length; ) {
    const time = view.getUint32(at, le) * 1000 + view.getUint32(at + 4, le) / (nano ? 1e6 : 1e3);
    const incl = view.getUint32(at + 8, le);
    const frame = pcap.subarray(at + 16 + skip, at + 16 + incl);
    at += 16 + incl;
    const ip = decodeIpv4Packet(frame);
    if (!ip.ok) continue;
    const tcp = decodeTcpSegment(ip.packet.payload);
    if (!tcp.ok) continue;
    const seg = tcp.segment;
    const toServer = seg.dstPort >= ports[0] && seg.dstPort <= ports[1];
    const serverPort = toServer ? seg.dstPort : seg.srcPort;
    if (serverPort < ports[0] || serverPort > ports[1]) continue;
    let list = out.get(serverPort);
    if (!list) {
      list = [];
      out.set(serverPort, list);
    }
    list.push({ fromClient: toServer, seg, time });
  }
  return out;
}

/** The simulated segments of one connection as rows (the client host is named 'client'). */
export function simRows(sim: Simulation): Row[] {
  return toRows(simCaptured(sim));
}

/** The simulation's packets as captured segments (the client host is 10.0.0.1). */
export function simCaptured(sim: Simulation): Captured[] {
  const segs: Captured[] = [];
  for (const p of sim.packets) {
    const ip = decodeIpv4Packet(p.bytes);
    if (!ip.ok) continue;
    const tcp = decodeTcpSegment(ip.packet.payload);
    if (!tcp.ok) continue;
    segs.push({ fromClient: ip.packet.src === 0x0a000001, seg: tcp.segment, time: p.time });
  }
  return segs;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a node:net exchange against 127.0.0.1:port; resolves when both sides are closed (bounded). */
export async function realExchange(
  port: number,
  server: ((socket: net.Socket) => void) | undefined,
  client: (socket: net.Socket) => void,
  serverOptions: net.ServerOpts = {},
  boundMs = 5000,
): Promise<void> {
  let srv: net.Server | undefined;
  let serverClosed: Promise<void> = Promise.resolve();
  if (server) {
    let done: () => void = () => {};
    serverClosed = new Promise<void>((resolve) => {
      done = resolve;
    });
    srv = net.createServer(serverOptions, (s) => {
      s.on('error', () => {});
      s.on('close', () => done());
      server(s);
    });
    await new Promise<void>((resolve, reject) => {
      srv!.once('error', reject);
      srv!.listen(port, '127.0.0.1', () => resolve());
    });
  }
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.on('error', () => {});
  const clientClosed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  client(sock);
  await Promise.race([Promise.all([clientClosed, serverClosed]), sleep(boundMs)]);
  await sleep(50);
  sock.destroy();
  if (srv) await new Promise<void>((resolve) => srv!.close(() => resolve()));
}
