/**
 * A scripted raw peer for per-rule tests: the client is a real TCP endpoint with a fixed ISS; the
 * peer is a raw host that sends hand-made segments and records what reaches it.
 */
import {
  ACK_FLAG,
  createSimulation,
  type ProfileSpec,
  type SimHost,
  type SimSocket,
  type Simulation,
  type TcpSegment,
} from './shim.js';

export const ISS = 1000;
export const PEER_ISS = 5000;

export interface PeerWorld {
  sim: Simulation;
  client: SimHost;
  peer: SimHost;
  sock: SimSocket;
  /** Sends a segment from peer:80 to the client socket. */
  send(flags: number, seq: number, ack: number, payload?: string, window?: number): void;
  /** Segments the peer received since the last call. */
  received(): TcpSegment[];
}

export function synSent(profile: ProfileSpec = { msl: 1000 }): PeerWorld {
  const sim = createSimulation({ seed: 1, profile });
  const client = sim.addHost({ name: 'client', address: '10.0.0.1', isn: () => ISS });
  const peer = sim.addHost({ name: 'peer', address: '10.0.0.2', raw: true });
  sim.setLink(client, peer, { delay: 5 });
  const sock = client.connect({ address: '10.0.0.2', port: 80 });
  sock.on('error', () => {});
  let seen = 0;
  const w: PeerWorld = {
    sim,
    client,
    peer,
    sock,
    send(flags, seq, ack, payload = '', window = 65535) {
      peer.send('10.0.0.1', {
        srcPort: 80,
        dstPort: sock.localPort,
        seq: seq >>> 0,
        ack: ack >>> 0,
        flags,
        window,
        options: {},
        payload: new TextEncoder().encode(payload),
      });
    },
    received() {
      const out = peer.inbox.slice(seen).map((a) => a.segment);
      seen = peer.inbox.length;
      return out;
    },
  };
  sim.run({ until: 10 });
  return w;
}

/** The client ESTABLISHED with the peer (SYN, SYN-ACK, ACK done); received() is emptied. */
export function established(profile?: ProfileSpec): PeerWorld {
  const w = synSent(profile);
  w.send(0x12, PEER_ISS, ISS + 1); // SYN,ACK
  w.sim.run({ until: 30 });
  w.received();
  return w;
}

export { ACK_FLAG };
