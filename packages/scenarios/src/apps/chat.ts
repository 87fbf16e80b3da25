/**
 * The blog's chat protocol, done right, independent of transport: the simulated server in scenarios and
 * the real `synack serve --mode chat` both drive a `ChatRoom`.
 *
 * Protocol (text messages, UTF-8):
 * - `type=add&ming=<name>` joins under that name (the blog's client sends it once the socket is OPEN);
 *   the joiner gets `{"type":"welcome","ming":name,"Muxer":"你好","users":[...]}`, everyone else gets
 *   `{"type":"join","ming":name}`.
 * - any other text is broadcast to everyone, sender included, as
 *   `{"type":"message","from":name,"text":...}` (a client that has not joined is "anonymous").
 * - a member leaving is announced as `{"type":"leave","ming":name}`.
 * Binary messages are not part of the blog's protocol: they are answered with an error object.
 */

/** What the room needs from a connection: a way to send it a text message. */
export interface ChatPeer {
  readonly id: string;
  sendText(text: string): void;
}

export type ChatReply =
  | {
      readonly type: 'welcome';
      readonly ming: string;
      readonly Muxer: '你好';
      readonly users: readonly string[];
    }
  | { readonly type: 'join'; readonly ming: string }
  | { readonly type: 'leave'; readonly ming: string }
  | { readonly type: 'message'; readonly from: string; readonly text: string }
  | { readonly type: 'error'; readonly error: string };

const ANONYMOUS = 'anonymous';
/** Names are shown to every member: keep them short and printable. */
const MAX_NAME_LENGTH = 64;

export class ChatRoom {
  private readonly members = new Map<string, { peer: ChatPeer; name: string | undefined }>();

  open(peer: ChatPeer): void {
    this.members.set(peer.id, { peer, name: undefined });
  }

  text(peer: ChatPeer, text: string): void {
    const member = this.members.get(peer.id) ?? { peer, name: undefined };
    this.members.set(peer.id, member);
    const join = parseJoin(text);
    if (join !== undefined) {
      if (join.length === 0 || join.length > MAX_NAME_LENGTH) {
        send(peer, { type: 'error', error: `a name is 1 to ${MAX_NAME_LENGTH} characters` });
        return;
      }
      member.name = join;
      send(peer, { type: 'welcome', ming: join, Muxer: '你好', users: this.names() });
      this.broadcast({ type: 'join', ming: join }, peer.id);
      return;
    }
    this.broadcast({ type: 'message', from: member.name ?? ANONYMOUS, text });
  }

  binary(peer: ChatPeer): void {
    send(peer, { type: 'error', error: 'the chat takes text messages only' });
  }

  close(peer: ChatPeer): void {
    const member = this.members.get(peer.id);
    this.members.delete(peer.id);
    if (member?.name !== undefined) this.broadcast({ type: 'leave', ming: member.name });
  }

  names(): string[] {
    return [...this.members.values()].flatMap((m) => (m.name === undefined ? [] : [m.name]));
  }

  get size(): number {
    return this.members.size;
  }

  private broadcast(reply: ChatReply, exceptId?: string): void {
    // One string for every member, so a server can encode it once for all of them.
    const text = JSON.stringify(reply);
    for (const { peer } of this.members.values()) if (peer.id !== exceptId) peer.sendText(text);
  }
}

/** `type=add&ming=Muxer` -> 'Muxer'; anything else -> undefined (an ordinary chat message). */
export function parseJoin(text: string): string | undefined {
  if (!text.startsWith('type=')) return undefined;
  const params = new URLSearchParams(text);
  if (params.get('type') !== 'add') return undefined;
  return (params.get('ming') ?? '').trim();
}

function send(peer: ChatPeer, reply: ChatReply): void {
  peer.sendText(JSON.stringify(reply));
}
