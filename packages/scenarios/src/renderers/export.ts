/**
 * `synack export`: one run written in the format asked for. pcap comes from tcp-sim (real IPv4/TCP
 * bytes, virtual timestamps); the others are this package's renderers over the same trace.
 */
import { encodePcap, type TraceEvent as TcpTraceEvent } from '@synack/tcp-sim';
import type { ScenarioRun } from '../runner/run.js';
import { renderJsonLines } from './jsonl.js';
import { renderLadder } from './ladder.js';
import type { LadderLang } from './ladder-words.js';
import { renderMermaid } from './mermaid.js';

export const EXPORT_FORMATS = ['pcap', 'jsonl', 'mermaid', 'text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const TCP_EVENT = /^(tcp|segment|timer|app)\.|^error$/;

export function exportRun(
  run: ScenarioRun,
  format: ExportFormat,
  options: { width?: number; lang?: LadderLang } = {},
): Uint8Array | string {
  switch (format) {
    case 'pcap':
      return encodePcap(run.trace.filter((e): e is TcpTraceEvent => TCP_EVENT.test(e.type)));
    case 'jsonl':
      return renderJsonLines(run.trace);
    case 'mermaid':
      return renderMermaid(run.trace, run.endpoints);
    case 'text':
      return renderLadder(run.trace, run.endpoints, {
        ...(options.width === undefined ? {} : { width: options.width }),
        ...(options.lang === undefined ? {} : { lang: options.lang }),
      });
  }
}
