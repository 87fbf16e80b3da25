/**
 * YAML anchors and aliases (`- &step { wait: 1s }` ... `- *step`): every alias in the document is
 * replaced by the node it names, so the readers see plain mappings, lists and scalars. Bounded: the
 * document with its aliases expanded may hold at most `MAX_EXPANDED_NODES` nodes, so a "billion laughs"
 * file (aliases of aliases, each doubling the size) is an error at the alias that crosses the limit,
 * not minutes of work and gigabytes of memory.
 */
import { type Document, isAlias, isMap, isPair, isSeq, type Node } from 'yaml';
import type { Reader, YamlNode } from './reader.js';

/** Nodes in the expanded document, at most: far above any real scenario (a few hundred). */
export const MAX_EXPANDED_NODES = 20_000;

export function expandAliases(doc: Document, reader: Reader): boolean {
  const sizes = new Map<Node, number>();
  const resolving = new Set<Node>();
  let failed = false;

  /** The node an alias names (following aliases of aliases), or undefined after reporting why not. */
  const target = (node: Node): Node | undefined => {
    let current: unknown = node;
    for (let hops = 0; isAlias(current); hops++) {
      const next: unknown = current.resolve(doc);
      if (next === undefined || hops > 100) {
        reader.fail('SCENARIO_BAD_VALUE', `alias *${current.source} names no anchor before it`, current);
        return undefined;
      }
      current = next;
    }
    return current as Node;
  };

  /** Nodes under `node` once expanded; reports and stops at the first limit crossed. */
  const size = (node: YamlNode): number => {
    if (failed || node === null || node === undefined) return 0;
    const real = isAlias(node) ? target(node) : node;
    if (real === undefined) {
      failed = true;
      return 0;
    }
    const known = sizes.get(real);
    if (known !== undefined) return known;
    if (resolving.has(real)) {
      reader.fail('SCENARIO_BAD_VALUE', 'an alias refers to a node that contains it', node);
      failed = true;
      return 0;
    }
    resolving.add(real);
    let total = 1;
    if (isMap(real) || isSeq(real)) {
      for (const item of real.items) {
        if (isPair(item)) total += size(item.key as YamlNode) + size(item.value as YamlNode);
        else total += size(item as YamlNode);
        if (failed) break;
        if (total > MAX_EXPANDED_NODES) {
          reader.fail(
            'SCENARIO_TOO_DEEP',
            `aliases expand this file past ${MAX_EXPANDED_NODES} values; a scenario never needs that many`,
            isPair(item) ? (item.value as YamlNode) : (item as YamlNode),
          );
          failed = true;
          break;
        }
      }
    }
    resolving.delete(real);
    sizes.set(real, total);
    return total;
  };

  size(doc.contents as YamlNode);
  if (failed) return false;

  // Replace each alias by its target. Targets are shared, not copied: the readers only read them.
  const seen = new Set<Node>();
  const replace = (node: YamlNode): YamlNode => {
    if (node === null || node === undefined) return node;
    const real = isAlias(node) ? (target(node) as Node) : node;
    if (seen.has(real)) return real;
    seen.add(real);
    if (isMap(real)) {
      for (const pair of real.items) pair.value = replace(pair.value as YamlNode) ?? null;
    } else if (isSeq(real)) {
      real.items = real.items.map((item) => replace(item as YamlNode) ?? null);
    }
    return real;
  };
  doc.contents = replace(doc.contents as YamlNode) as typeof doc.contents;
  return true;
}
