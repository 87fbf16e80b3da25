// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The interactive UI on a real terminal: Ink renders <App> sized to the terminal and re-sized on
 * 'resize' (Ink 6 has no size hook), sessions come from @synack/scenarios, and the process exit status
 * is 0 when the person quits.
 */
import { createSession, listScenarios, type Scenario } from '@synack/scenarios';
import { loadScenario } from '@synack/scenarios/node';
import { render, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { App, type AppProps } from '../app.js';
import type { PlaybackSession } from '../model.js';
import { type Lang, stringsFor } from '../narration/index.js';

export interface InteractiveOptions {
  readonly name: string;
  readonly seed: number | undefined;
  readonly lang: Lang;
  readonly paused: boolean;
  /** The user's folder: scenario paths (also those opened with `o`) are relative to it. */
  readonly cwd: string;
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** <App> sized to the terminal, re-rendered when it is resized. */
function Sized(props: Omit<AppProps, 'columns' | 'rows'>) {
  const { columns, rows } = useTerminalSize();
  return <App {...props} columns={columns} rows={rows} />;
}

export async function playInteractive(options: InteractiveOptions): Promise<number> {
  const scenarios = listScenarios().map(({ name, title }) => ({ name, title }));
  const loaded = new Map<string, Scenario>();
  const open = (name: string, seed: number | undefined): PlaybackSession => {
    let scenario = loaded.get(name);
    if (scenario === undefined) {
      scenario = loadScenario(name, { cwd: options.cwd });
      loaded.set(name, scenario);
    }
    return createSession(scenario, seed === undefined ? {} : { seed });
  };
  // Load once up front so a bad file is reported before the screen is taken over.
  open(options.name, options.seed);
  const strings = stringsFor(options.lang);
  const props = { scenarios, open, scenario: options.name, strings, autoplay: !options.paused };
  const instance = render(
    <Sized {...props} {...(options.seed === undefined ? {} : { seed: options.seed })} />,
    {
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
  return 0;
}
