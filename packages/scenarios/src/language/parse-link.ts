/**
 * `link:` settings. Fields at the top apply to every direction; a `from>to` key (endpoint names) holds
 * settings for that direction only, overriding the defaults:
 *
 *     link:
 *       delay: 10ms
 *       client>server: { loss: 0.2 }
 */
import type { EndpointNames } from './parse.js';
import type { Reader, YamlNode } from './reader.js';
import type { LinkSpec } from './types.js';

const LINK_FIELDS = [
  'delay',
  'jitter',
  'bandwidth',
  'loss',
  'duplicate',
  'reorder',
  'corrupt',
  'mtu',
] as const;
type LinkField = (typeof LINK_FIELDS)[number];

export function readLink(reader: Reader, node: YamlNode, names: EndpointNames): Record<string, LinkSpec> {
  const directions = names.endpoints.flatMap((a) =>
    names.endpoints.filter((b) => b !== a).map((b) => `${a.name}>${b.name}`),
  );
  const entries = reader.map(node, 'link', [...LINK_FIELDS, ...directions]) ?? [];
  const link: Record<string, LinkSpec> = {};
  const defaults = readLinkFields(
    reader,
    entries.filter((e) => !e.key.includes('>')),
    'link',
  );
  link['*'] = defaults;
  for (const entry of entries.filter((e) => e.key.includes('>'))) {
    const fields = reader.map(entry.value, `link ${entry.key}`, LINK_FIELDS) ?? [];
    link[entry.key] = readLinkFields(reader, fields, `link ${entry.key}`);
  }
  return link;
}

function readLinkFields(
  reader: Reader,
  entries: readonly { key: string; value: YamlNode }[],
  what: string,
): LinkSpec {
  const spec: Partial<Record<LinkField, number>> = {};
  for (const { key, value } of entries) {
    const field = key as LinkField;
    const label = `${what}: ${key}`;
    const parsed =
      field === 'delay' || field === 'jitter'
        ? reader.duration(value, label)
        : field === 'bandwidth'
          ? reader.number(value, `${label} (bit/s)`, { min: 1 })
          : field === 'mtu'
            ? reader.number(value, label, { min: 68, max: 65535, integer: true })
            : reader.number(value, `${label} (a probability)`, { min: 0, max: 1 });
    if (parsed !== undefined) spec[field] = parsed;
  }
  return spec;
}
