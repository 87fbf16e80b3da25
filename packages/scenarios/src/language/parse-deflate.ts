/**
 * An endpoint's `deflate:` field: permessage-deflate (RFC 7692) for its WebSocket connections. A client
 * offers it, a server accepts the first acceptable offer. `deflate: true` takes the defaults (the offer
 * a browser makes: client_max_window_bits); a map sets the parameters and the threshold:
 *
 *     deflate:
 *       threshold: 0                  # compress every message (default 1024 bytes)
 *       serverNoContextTakeover: true # RFC 7692 7.1.1.1
 *       clientNoContextTakeover: true # 7.1.1.2
 *       serverMaxWindowBits: 10       # 7.1.2.1, 8-15
 *       clientMaxWindowBits: 9        # 7.1.2.2, 8-15
 */
import type { Reader, YamlNode } from './reader.js';
import type { DeflateSpec } from './types.js';

const DEFLATE_FIELDS = [
  'threshold',
  'serverNoContextTakeover',
  'clientNoContextTakeover',
  'serverMaxWindowBits',
  'clientMaxWindowBits',
] as const;

export function readDeflate(reader: Reader, node: YamlNode, what: string): DeflateSpec | false | undefined {
  if (isBooleanScalar(node)) return reader.boolean(node, `${what}: deflate`) ? {} : false;
  const entries = reader.map(node, `${what}: deflate`, DEFLATE_FIELDS);
  if (entries === undefined) return undefined;
  const spec: {
    threshold?: number;
    serverNoContextTakeover?: boolean;
    clientNoContextTakeover?: boolean;
    serverMaxWindowBits?: number;
    clientMaxWindowBits?: number;
  } = {};
  for (const { key, value } of entries) {
    const label = `${what}: deflate: ${key}`;
    if (key === 'threshold') {
      const n = reader.number(value, label, { min: 0, integer: true });
      if (n !== undefined) spec.threshold = n;
    } else if (key === 'serverNoContextTakeover' || key === 'clientNoContextTakeover') {
      const b = reader.boolean(value, label);
      if (b !== undefined) spec[key] = b;
    } else if (key === 'serverMaxWindowBits' || key === 'clientMaxWindowBits') {
      const n = reader.number(value, label, { min: 8, max: 15, integer: true });
      if (n !== undefined) spec[key] = n;
    }
  }
  return spec;
}

function isBooleanScalar(node: YamlNode): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && typeof node.value === 'boolean';
}
