/** Where in a scenario file something was written: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type ScenarioErrorCode =
  | 'SCENARIO_SYNTAX' // the YAML itself does not parse
  | 'SCENARIO_UNKNOWN_FIELD' // a key the language does not have
  | 'SCENARIO_MISSING_FIELD' // a required key is absent
  | 'SCENARIO_BAD_VALUE' // a value of the wrong type or out of range
  | 'SCENARIO_UNKNOWN_ACTION' // a timeline step names no known action
  | 'SCENARIO_UNKNOWN_ENDPOINT' // `by`, `to` or an expectation names an endpoint not declared
  | 'SCENARIO_NOT_FOUND' // neither a built-in name nor a readable file
  | 'SCENARIO_TOO_LARGE' // over the size limit (source.ts)
  | 'SCENARIO_NOT_UTF8' // bytes that are not UTF-8 text
  | 'SCENARIO_TOO_DEEP'; // nested deeper than the language ever needs

/**
 * A mistake in a scenario file. It names the file, line and column and what was expected, so the CLI
 * prints it as `file:line:col: message` with no stack trace: these are user mistakes, not crashes.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code: ScenarioErrorCode;
  readonly location: SourceLocation;
  readonly suggestion: string | undefined;

  constructor(code: ScenarioErrorCode, message: string, location: SourceLocation, suggestion?: string) {
    super(message);
    this.code = code;
    this.location = location;
    this.suggestion = suggestion;
  }

  /** `file:line:col: message (did you mean 'x'?)`, the form editors and terminals link to. */
  format(): string {
    const { file, line, column } = this.location;
    const hint = this.suggestion === undefined ? '' : ` (did you mean '${this.suggestion}'?)`;
    return `${file}:${line}:${column}: ${this.message}${hint}`;
  }
}

/** All the mistakes found in one file, so a user fixes them in one pass rather than one per run. */
export class ScenarioErrors extends Error {
  override readonly name = 'ScenarioErrors';
  readonly errors: readonly ScenarioError[];

  constructor(errors: readonly ScenarioError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.errors = errors;
  }
}
