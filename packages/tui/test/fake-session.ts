/**
 * A scripted session for UI tests: the blog's handshake and first message as trace events folded into
 * views, the way @synack/scenarios' viewAt does, with interventions that really change the future
 * (drop-next / corrupt-next mark the next segment sent at or after `at`; send adds a segment).
 */

import { profileView } from '@synack/scenarios';
import type {
  ArrowView,
  EndpointView,
  Intervention,
  Narration,
  PlaybackSession,
  TcpStateName,
  View,
} from '../src/model.js';
import { arrow, endpoint } from './fixtures.js';
import { ascii, maskedText, packet, toHex } from './packets.js';

type Step =
  | { readonly time: number; readonly kind: 'state'; readonly ep: string; readonly to: TcpStateName }
  | { readonly time: number; readonly kind: 'sent'; readonly arrow: ArrowView; readonly first?: 1 | 2 | 3 }
  | { readonly time: number; readonly kind: 'arrived'; readonly id: number };

const HEAD = 'GET / HTTP/1.1\r\nHost: server:17122\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

function script(): Step[] {
  const seg = (id: number, from: string, flags: string[], sentAt: number, over: Partial<ArrowView> = {}) =>
    arrow({
      segmentId: id,
      from,
      to: from === 'client' ? 'server' : 'client',
      flags,
      sentAt,
      endAt: sentAt + 5,
      fate: 'in-flight',
      ...over,
    });
  return [
    { time: 0, kind: 'state', ep: 'client', to: 'SYN-SENT' },
    { time: 0, kind: 'sent', arrow: seg(1, 'client', ['SYN'], 0), first: 1 },
    { time: 5, kind: 'arrived', id: 1 },
    { time: 5, kind: 'state', ep: 'server', to: 'SYN-RCVD' },
    { time: 5, kind: 'sent', arrow: seg(2, 'server', ['SYN', 'ACK'], 5, { ack: 1 }), first: 2 },
    { time: 10, kind: 'arrived', id: 2 },
    { time: 10, kind: 'state', ep: 'client', to: 'ESTABLISHED' },
    { time: 10, kind: 'sent', arrow: seg(3, 'client', ['ACK'], 10, { seq: 1, ack: 1 }), first: 3 },
    { time: 15, kind: 'arrived', id: 3 },
    { time: 15, kind: 'state', ep: 'server', to: 'ESTABLISHED' },
    {
      time: 15,
      kind: 'sent',
      arrow: seg(4, 'client', ['PSH', 'ACK'], 15, {
        seq: 1,
        ack: 1,
        len: HEAD.length,
        carries: 'HTTP GET /',
        hex: toHex(packet({ flags: 0x18, payload: ascii(HEAD) })),
      }),
    },
    { time: 20, kind: 'arrived', id: 4 },
  ];
}

function sentFrame(id: number, time: number, text: string): Step[] {
  const frame = maskedText(text);
  const a = arrow({
    segmentId: id,
    flags: ['PSH', 'ACK'],
    sentAt: time,
    endAt: time + 5,
    fate: 'in-flight',
    len: frame.length,
    carries: `WS text "${text}" (masked)`,
    hex: toHex(packet({ flags: 0x18, payload: frame })),
  });
  return [
    { time, kind: 'sent', arrow: a },
    { time: time + 5, kind: 'arrived', id },
  ];
}

export class FakeSession implements PlaybackSession {
  readonly trace: readonly { readonly time: number; readonly type: string }[];
  /** The linux profile with TIME-WAIT shortened by the scenario, as `profile: { base: linux, msl: 5s }`. */
  readonly profile = profileView({ base: 'linux', msl: 5000 });
  private readonly steps: readonly Step[];

  constructor(
    readonly seed = 17122,
    readonly interventions: readonly Intervention[] = [],
  ) {
    this.steps = applyInterventions(script(), interventions);
    this.trace = this.steps.map((s) => ({ time: s.time, type: s.kind }));
  }

  viewAt(cursor: number): View {
    const tcp = new Map<string, { state: TcpStateName; last: EndpointView['lastTransition'] }>([
      ['client', { state: 'CLOSED', last: undefined }],
      ['server', { state: 'LISTEN', last: undefined }],
    ]);
    const arrows = new Map<number, ArrowView>();
    let narration: Narration | undefined;
    const upto = Math.min(cursor, this.steps.length - 1);
    for (let i = 0; i <= upto; i++) {
      const s = this.steps[i];
      if (s === undefined) continue;
      if (s.kind === 'state') {
        const prev = tcp.get(s.ep);
        const transition = {
          from: prev?.state ?? 'CLOSED',
          to: s.to,
          time: s.time,
          cause: 'script',
        } as const;
        tcp.set(s.ep, { state: s.to, last: transition });
        narration = { key: 'state-change', endpoint: s.ep, transition };
      } else if (s.kind === 'sent') {
        arrows.set(s.arrow.segmentId, s.arrow);
        narration = { key: 'segment-sent', arrow: s.arrow, firstHandshake: s.first };
      } else {
        const a = arrows.get(s.id);
        if (a === undefined) continue;
        const lost = a.fate === 'dropped' || a.fate === 'corrupted';
        const done = lost ? a : { ...a, fate: 'delivered' as const };
        arrows.set(s.id, done);
        narration = lost
          ? { key: 'segment-lost', arrow: done, reason: 'live intervention' }
          : { key: 'segment-delivered', arrow: done };
      }
    }
    const endpoints = ['client', 'server'].map((name) =>
      endpoint({
        name,
        tcp: tcp.get(name)?.state ?? 'CLOSED',
        lastTransition: tcp.get(name)?.last,
        ws: undefined,
      }),
    );
    return {
      time: upto < 0 ? 0 : (this.steps[upto]?.time ?? 0),
      cursor: upto,
      total: this.steps.length,
      endpoints,
      arrows: [...arrows.values()],
      narration,
    };
  }

  nextStateChange(cursor: number): number | undefined {
    const i = this.steps.findIndex((s, j) => j > cursor && s.kind === 'state');
    return i === -1 ? undefined : i;
  }

  withIntervention(i: Intervention): FakeSession {
    return new FakeSession(this.seed, [...this.interventions, i]);
  }
}

function applyInterventions(steps: Step[], interventions: readonly Intervention[]): Step[] {
  let out = steps;
  let nextId = 100;
  for (const i of interventions) {
    if (i.kind === 'drop-next' || i.kind === 'corrupt-next') {
      const fate = i.kind === 'drop-next' ? 'dropped' : 'corrupted';
      const at = out.findIndex((s) => s.kind === 'sent' && s.time >= i.at && s.arrow.fate === 'in-flight');
      out = out.map((s, j) => (j === at && s.kind === 'sent' ? { ...s, arrow: { ...s.arrow, fate } } : s));
    } else if (i.kind === 'action' && i.action.type === 'send' && i.action.payload.kind === 'text') {
      const time = Math.max(i.at, out.at(-1)?.time ?? 0);
      out = [...out, ...sentFrame(nextId++, time, i.action.payload.text)];
    }
  }
  return out;
}
