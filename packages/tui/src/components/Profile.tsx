// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box } from 'ink';
import type { ProfileView } from '../model.js';
import type { Strings } from '../narration/strings.js';
import { profileRows } from './profile.js';
import { Lines } from './spans.js';

/** The `t` overlay: every number of the run's TCP profile. */
export function Profile(props: { profile: ProfileView; strings: Strings; rows: number; columns: number }) {
  const { title, columns, width, hint } = profileRows(
    props.profile,
    props.strings,
    props.rows,
    props.columns,
  );
  return (
    <Box flexDirection="column" height={props.rows}>
      <Lines rows={[title]} />
      <Box flexDirection="row">
        {columns.map((rows, i) => (
          <Box
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions
            key={i}
            width={width}
            marginRight={i === 0 && columns.length > 1 ? 1 : 0}
          >
            <Lines rows={rows} width={width} />
          </Box>
        ))}
      </Box>
      <Lines rows={[hint]} />
    </Box>
  );
}
