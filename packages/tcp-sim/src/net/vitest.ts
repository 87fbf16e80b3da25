/**
 * `@synack/tcp-sim/vitest`: a simulated network for one vitest test.
 *
 *     it('reconnects after a partition', () =>
 *       withSimulatedNetwork({ seed: 7, link: { delay: 20, loss: 0.05 } }, async (net) => { ... }));
 *
 * When the body throws (a failed expect included), the run's capture and trace are written to
 * `$SYNACK_ARTIFACTS` (default `synack-failures/`) as `<test name>.pcap` and `<test name>.trace.jsonl`,
 * and the error message names both files; `synack play FILE.trace.jsonl` and `synack export` read them.
 */
import { expect } from 'vitest';
import {
  type RunArtifacts,
  runSimulatedNetwork,
  type SimulatedNetwork,
  type SimulatedNetworkOptions,
} from './network.js';

export function withSimulatedNetwork<T>(
  options: SimulatedNetworkOptions,
  body: (net: SimulatedNetwork) => Promise<T> | T,
): Promise<T> {
  return runSimulatedNetwork(options, body, { name: () => expect.getState().currentTestName });
}

export type { RunArtifacts, SimulatedNetwork, SimulatedNetworkOptions };
