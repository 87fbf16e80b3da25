/**
 * The TCP profile overlay as rows: every field of the run's profile with its value as the scenario
 * language writes it (so it can be copied into a scenario's `profile:`), a mark on the fields the
 * scenario set itself, the numbers they imply (TIME-WAIT = 2 MSL, when SYN retries give up), and a
 * one-line description when there is room for one field per row.
 */
import { formatDuration, formatProfileValue, PROFILE_FIELDS, synGiveUpAfter } from '@synack/scenarios';
import type { ProfileField, ProfileView } from '../model.js';
import type { Strings } from '../narration/strings.js';
import { fit, type Row, span } from './spans.js';

const NAME_WIDTH = 17;
const VALUE_WIDTH = 9;

function derived(field: ProfileField, profile: ProfileView, strings: Strings): string {
  const v = profile.values;
  if (field === 'msl') return strings.ui.timeWait(formatDuration(2 * v.msl));
  if (field === 'synRetries') return strings.ui.givesUpAfter(formatDuration(synGiveUpAfter(v)));
  // 0 switches these off (RFC 9293 3.8.6.3, 3.8.3; Linux tcp_fin_timeout): say so beside the 0.
  if (
    (field === 'delayedAckMax' || field === 'userTimeout' || field === 'finWait2Timeout') &&
    v[field] === 0
  ) {
    return strings.ui.off;
  }
  return '';
}

function fieldRow(
  field: ProfileField,
  profile: ProfileView,
  strings: Strings,
  width: number,
  describe: boolean,
): Row {
  const set = profile.overridden.includes(field);
  const value = formatProfileValue(field, profile.values[field]);
  const extra = derived(field, profile, strings);
  // With descriptions the implied number leads them; without, it follows the value in brackets.
  const note = describe
    ? `${extra === '' ? '' : `${extra}${strings.ui.separator}`}${strings.profileFields[field]}`
    : extra === ''
      ? ''
      : `(${extra})`;
  const head = `${set ? '*' : ' '} ${field.padEnd(NAME_WIDTH)} `;
  const valueText = `${describe ? value.padEnd(VALUE_WIDTH) : value} `;
  return [
    span(head, set ? { color: 'yellow', bold: true } : {}),
    span(fit(valueText, Math.max(0, width - head.length)), { bold: true }),
    span(fit(note, Math.max(0, width - head.length - valueText.length)), { dim: true }),
  ];
}

/**
 * Rows for a box of `rows` x `columns`: a title, the fields (one per row with descriptions when they
 * all fit, else two columns of name and value), and the hint. Returns the rows and how many columns.
 */
export function profileRows(
  profile: ProfileView,
  strings: Strings,
  rows: number,
  columns: number,
): {
  readonly title: Row;
  readonly columns: readonly (readonly Row[])[];
  /** Width of each column. */
  readonly width: number;
  readonly hint: Row;
} {
  const body = Math.max(1, rows - 2);
  const oneColumn = PROFILE_FIELDS.length <= body;
  const title: Row = [span(fit(strings.ui.profileTitle(profile.base), columns), { bold: true })];
  const hint: Row = [span(fit(strings.ui.profileHint, columns), { dim: true })];
  if (oneColumn) {
    return {
      title,
      columns: [PROFILE_FIELDS.map((f) => fieldRow(f, profile, strings, columns, true))],
      width: columns,
      hint,
    };
  }
  const width = Math.floor(columns / 2) - 1;
  const half = Math.ceil(PROFILE_FIELDS.length / 2);
  const cut = (fields: readonly ProfileField[]) =>
    fields.slice(0, body).map((f) => fieldRow(f, profile, strings, width, false));
  return {
    title,
    columns: [cut(PROFILE_FIELDS.slice(0, half)), cut(PROFILE_FIELDS.slice(half))],
    width,
    hint,
  };
}
