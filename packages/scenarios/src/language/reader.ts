/**
 * Reads typed values out of a YAML syntax tree while remembering where each came from.
 *
 * Theory of operation: the parser walks `yaml`'s node tree (not the plain JS object it could produce),
 * because only the nodes know their source offsets. Every reader either returns a value or records a
 * `ScenarioError` at the node's line and column and returns `undefined`; the walk goes on, so one run
 * reports every mistake in a file. Nothing here throws for bad input.
 */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type Scalar } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { ScenarioError, type ScenarioErrorCode, type SourceLocation } from './errors.js';

export type YamlNode = Node | null | undefined;

export interface Entry {
  readonly key: string;
  readonly keyNode: Scalar;
  readonly value: YamlNode;
}

export class Reader {
  readonly errors: ScenarioError[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  locate(node: YamlNode | Pair): SourceLocation {
    const offset =
      node && 'range' in node && node.range ? node.range[0] : isPair(node) ? offsetOfPair(node) : 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  fail(code: ScenarioErrorCode, message: string, node: YamlNode | Pair, suggestion?: string): undefined {
    this.errors.push(new ScenarioError(code, message, this.locate(node), suggestion));
    return undefined;
  }

  /** A mapping's entries, in order; unknown keys are reported with the nearest known one. */
  map(node: YamlNode, what: string, allowed?: readonly string[]): Entry[] | undefined {
    if (!isMap(node)) return this.fail('SCENARIO_BAD_VALUE', `${what} must be a mapping (key: value)`, node);
    const entries: Entry[] = [];
    for (const pair of node.items) {
      if (!isScalar(pair.key)) {
        this.fail('SCENARIO_BAD_VALUE', `${what}: keys must be plain words`, pair);
        continue;
      }
      const key = String(pair.key.value);
      if (allowed && !allowed.includes(key)) {
        this.fail(
          'SCENARIO_UNKNOWN_FIELD',
          `unknown field '${key}' in ${what}; expected one of: ${allowed.join(', ')}`,
          pair.key,
          didYouMean(key, allowed),
        );
        continue;
      }
      entries.push({ key, keyNode: pair.key, value: pair.value as YamlNode });
    }
    return entries;
  }

  seq(node: YamlNode, what: string): YamlNode[] | undefined {
    if (!isSeq(node)) return this.fail('SCENARIO_BAD_VALUE', `${what} must be a list (- item)`, node);
    return node.items as YamlNode[];
  }

  /** A required field: reports its absence at the mapping that lacks it. */
  require<T>(entries: readonly Entry[], key: string, where: YamlNode, what: string): Entry | undefined {
    const entry = entries.find((e) => e.key === key);
    if (entry === undefined)
      this.fail('SCENARIO_MISSING_FIELD', `${what} needs the field '${key}'`, where) as T | undefined;
    return entry;
  }

  string(node: YamlNode, what: string): string | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      return String(node.value);
    }
    return this.fail('SCENARIO_BAD_VALUE', `${what} must be text`, node);
  }

  boolean(node: YamlNode, what: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return this.fail('SCENARIO_BAD_VALUE', `${what} must be true or false`, node);
  }

  number(
    node: YamlNode,
    what: string,
    range: { min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      return this.fail('SCENARIO_BAD_VALUE', `${what} must be a number`, node);
    }
    return this.checkRange(value, node, what, range);
  }

  /** A virtual duration in ms: a bare number is ms; `250ms`, `3s`, `2min` are spelled out. */
  duration(node: YamlNode, what: string): number | undefined {
    if (isScalar(node) && typeof node.value === 'number')
      return this.checkRange(node.value, node, what, { min: 0 });
    if (isScalar(node) && typeof node.value === 'string') {
      const ms = parseDuration(node.value);
      if (ms !== undefined) return ms;
    }
    return this.fail('SCENARIO_BAD_VALUE', `${what} must be a duration such as 200ms, 3s or 2min`, node);
  }

  oneOf<T extends string>(node: YamlNode, what: string, values: readonly T[]): T | undefined {
    const text = isScalar(node) ? String(node.value) : undefined;
    if (text !== undefined && (values as readonly string[]).includes(text)) return text as T;
    return this.fail(
      'SCENARIO_BAD_VALUE',
      `${what} must be one of: ${values.join(', ')}`,
      node,
      text === undefined ? undefined : didYouMean(text, values),
    );
  }

  private checkRange(
    value: number,
    node: YamlNode,
    what: string,
    { min, max, integer }: { min?: number; max?: number; integer?: boolean },
  ): number | undefined {
    if (integer && !Number.isInteger(value))
      return this.fail('SCENARIO_BAD_VALUE', `${what} must be a whole number`, node);
    if (min !== undefined && value < min)
      return this.fail('SCENARIO_BAD_VALUE', `${what} must be at least ${min}`, node);
    if (max !== undefined && value > max)
      return this.fail('SCENARIO_BAD_VALUE', `${what} must be at most ${max}`, node);
    return value;
  }
}

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  m: 60_000,
  h: 3_600_000,
};

/** `250ms` -> 250, `1.5s` -> 1500, `2 min` -> 120000; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const unit = UNITS[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * unit;
}

function offsetOfPair(pair: Pair): number {
  const key = pair.key as YamlNode;
  return key && 'range' in key && key.range ? key.range[0] : 0;
}
