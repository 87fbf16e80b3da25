/**
 * One script's source in, one outcome out (preprocessing, parsing and running, with syntax errors
 * reported as failures at their line), and the summary line the CLI prints.
 */
import { DrillSyntaxError, preprocess } from './lexer.js';
import type { Outcome } from './outcome.js';
import { parseScript } from './parser.js';
import { type DrillOptions, DrillRun } from './runner.js';

export interface DrillFileResult {
  readonly file: string;
  readonly outcome: Outcome;
  /** The run (absent when the script did not parse), for views that replay its trace. */
  readonly run?: DrillRun;
}

/** The cpp symbols each profile's scripts test for (FreeBSD's tcp-testsuite branches on `FreeBSD`). */
const DEFINES: Readonly<Record<string, readonly string[]>> = {
  freebsd: ['FreeBSD'],
  linux: ['Linux'],
  rfc: [],
};

export function runDrillSource(file: string, source: string, options: DrillOptions = {}): DrillFileResult {
  let script: ReturnType<typeof parseScript>;
  try {
    script = parseScript(preprocess(source, new Set(DEFINES[options.profile ?? 'linux'] ?? [])));
  } catch (e) {
    if (e instanceof DrillSyntaxError)
      return { file, outcome: { status: 'fail', line: e.line, message: `syntax error: ${e.message}` } };
    throw e;
  }
  const run = new DrillRun(script, options);
  return { file, outcome: run.run(), run };
}

export interface DrillSummary {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
}

export function summarize(results: readonly DrillFileResult[]): DrillSummary {
  let passed = 0;
  let failed = 0;
  let unsupported = 0;
  for (const r of results) {
    if (r.outcome.status === 'pass') passed++;
    else if (r.outcome.status === 'fail') failed++;
    else unsupported++;
  }
  return { passed, failed, unsupported };
}
