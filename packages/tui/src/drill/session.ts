/**
 * A packetdrill script as the TUI and the exporters see it: the run's tcp-sim trace, with the
 * endpoint under test (`tcp`, 192.168.0.1) and the script's side (`remote`, 192.0.2.1) as the two
 * columns. Views come from @synack/scenarios' ViewBuilder over that trace, exactly as for a
 * scenario; time travel is re-reading the same trace (the script is the run, so there is nothing
 * to intervene in: a live drop or send replays the script unchanged).
 */
import { type DrillFileResult, type DrillRun, LOCAL_ADDRESS, REMOTE_ADDRESS } from '@synack/drill';
import {
  type EndpointSpec,
  type ExportFormat,
  type ProfileView,
  profileView,
  renderJsonLines,
  renderLadder,
  renderMermaid,
  type SynackEvent,
  type View,
  ViewBuilder,
} from '@synack/scenarios';
import { encodePcap } from '@synack/tcp-sim';
import type { PlaybackSession } from '../model.js';

export function isDrillFile(path: string | undefined): boolean {
  return path?.endsWith('.pkt') === true;
}

/** The two columns of a script's ladder: the stack under test and the script's remote side. */
export function drillEndpoints(): EndpointSpec[] {
  return [
    { name: 'tcp', role: 'server', address: LOCAL_ADDRESS, app: 'none' },
    { name: 'remote', role: 'client', address: REMOTE_ADDRESS, app: 'none' },
  ];
}

export function drillTrace(run: DrillRun): readonly SynackEvent[] {
  return (run.sim?.trace.events ?? []) as readonly SynackEvent[];
}

export class DrillSession implements PlaybackSession {
  readonly seed = 1;
  readonly profile: ProfileView;
  readonly trace: readonly SynackEvent[];
  private readonly endpoints: EndpointSpec[];

  constructor(readonly result: DrillFileResult & { run: DrillRun }) {
    this.trace = drillTrace(result.run);
    this.endpoints = drillEndpoints();
    this.profile = profileView(result.run.profileSpec());
  }

  viewAt(cursor: number): View {
    const builder = new ViewBuilder(this.endpoints, this.trace.length);
    const end = Math.min(cursor, this.trace.length - 1);
    for (let i = 0; i <= end; i++) builder.apply(this.trace[i] as SynackEvent);
    return builder.snapshot();
  }

  nextStateChange(cursor: number): number | undefined {
    for (let i = cursor + 1; i < this.trace.length; i++) if (this.trace[i]?.type === 'tcp.state') return i;
    return undefined;
  }

  withIntervention(): PlaybackSession {
    return this;
  }
}

/** `synack export FILE.pkt --format ...`: the script's run in the format asked for. */
export function exportDrill(
  run: DrillRun,
  format: ExportFormat,
  options: { width?: number } = {},
): Uint8Array | string {
  const trace = drillTrace(run);
  const endpoints = drillEndpoints();
  switch (format) {
    case 'pcap':
      return encodePcap(run.sim?.trace.events ?? []);
    case 'jsonl':
      return renderJsonLines(trace);
    case 'mermaid':
      return renderMermaid(trace, endpoints);
    case 'text':
      return renderLadder(trace, endpoints, options.width === undefined ? {} : { width: options.width });
  }
}
