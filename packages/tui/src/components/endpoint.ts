/**
 * One endpoint's panel as rows: who it is, its TCP state and WebSocket readyState, its TCB variables
 * (RFC 9293 3.3.1, relative to ISS / IRS as the view gives them) and its running timers as countdown bars.
 */
import { formatDuration, isSsthreshUnset } from '../format.js';
import type { EndpointView, TcbView, TimerView } from '../model.js';
import { type Color, fit, type Row, span } from './spans.js';

/** RFC 6455 / WHATWG readyState numbers. */
const READY_STATE: Readonly<Record<string, number>> = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

export function endpointTitle(e: EndpointView, color: Color): Row {
  const where = e.port === undefined ? e.address : `${e.address}:${e.port}`;
  const ws = e.ws === undefined ? '' : `  WS ${e.ws} (${READY_STATE[e.ws]})`;
  return [
    span(`${e.name} `, { bold: true, color }),
    span(`${where}  `, { dim: true }),
    span(`TCP ${e.tcp}`, { bold: true }),
    span(ws),
  ];
}

export function tcbRows(tcb: TcbView | undefined): Row[] {
  if (tcb === undefined) return [[span('  no TCB yet', { dim: true })]];
  const cc = [
    tcb.cwnd === undefined ? '' : `  cwnd ${tcb.cwnd}`,
    tcb.ssthresh === undefined ? '' : `  ssthresh ${isSsthreshUnset(tcb.ssthresh) ? 'unset' : tcb.ssthresh}`,
    tcb.srtt === undefined ? '' : `  SRTT ${formatDuration(tcb.srtt)}`,
    tcb.rto === undefined ? '' : `  RTO ${formatDuration(tcb.rto)}`,
  ].join('');
  // IRS is learnt from the peer's SYN: in SYN-SENT there is none yet, and 0 would be a lie.
  const irs = tcb.irs === undefined ? '-' : String(tcb.irs);
  return [
    [span(`  SND.UNA ${tcb.sndUna}  SND.NXT ${tcb.sndNxt}  SND.WND ${tcb.sndWnd}  ISS ${tcb.iss}`)],
    [span(`  RCV.NXT ${tcb.rcvNxt}  RCV.WND ${tcb.rcvWnd}  IRS ${irs}`), span(cc, { dim: true })],
  ];
}

/** A bar that empties as the deadline approaches: the fraction of the timer's span still to run. */
export function countdownBar(timer: TimerView, time: number, width: number): string {
  const span = Math.max(1, timer.deadline - timer.setAt);
  const left = Math.min(1, Math.max(0, (timer.deadline - time) / span));
  const full = Math.round(left * width);
  return `${'#'.repeat(full)}${'.'.repeat(width - full)}`;
}

export function timerRows(timers: readonly TimerView[], time: number, width: number, none: string): Row[] {
  if (timers.length === 0) return [[span(`  ${none}`, { dim: true })]];
  const bar = Math.max(4, Math.min(20, width - 26));
  return timers.map((t) => [
    span(`  ${fit(t.kind, 11).padEnd(11)} `),
    span(countdownBar(t, time, bar), { color: t.kind === '2MSL' ? 'magenta' : 'yellow' }),
    span(` ${formatDuration(Math.max(0, t.deadline - time))}`),
  ]);
}

export function endpointRows(
  e: EndpointView,
  time: number,
  width: number,
  color: Color,
  none: string,
): Row[] {
  return [endpointTitle(e, color), ...tcbRows(e.tcb), ...timerRows(e.timers, time, width, none)];
}
