// tsx run from the repo root sees no tsconfig: ask esbuild for the automatic JSX runtime here.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
/**
 * The interactive UI on a real terminal: Ink renders <App> sized to the terminal and re-sized on
 * 'resize' (Ink 6 has no size hook), sessions come from @synack/scenarios, and the process exit status
 * is 0 when the person quits.
 */
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
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

/**
 * Where keys come from. With stdin not a terminal (`echo x | synack play`, a pipe from a script) Ink
 * would read nothing and every key would silently do nothing: read the controlling terminal instead,
 * as less and vim do; with none, there is no way to take keys, which the caller says.
 */
export function keyboard(
  stdin: NodeJS.ReadStream,
  openTty: () => number = () => openSync('/dev/tty', 'r'),
): { readonly stream: NodeJS.ReadStream; readonly own: boolean } | undefined {
  if (stdin.isTTY === true) return { stream: stdin, own: false };
  try {
    return { stream: new ReadStream(openTty()) as NodeJS.ReadStream, own: true };
  } catch {
    return undefined;
  }
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
  const keys = keyboard(process.stdin);
  if (keys === undefined) {
    process.stderr.write(
      'synack: stdin is not a terminal and /dev/tty cannot be opened, so no key could be read; quitting.\n' +
        'Run synack play from a terminal, or redirect its output (synack play NAME | cat) for the text ladder.\n',
    );
    return 1;
  }
  const props = { scenarios, open, scenario: options.name, strings, autoplay: !options.paused };
  const instance = render(
    <Sized {...props} {...(options.seed === undefined ? {} : { seed: options.seed })} />,
    { exitOnCtrlC: false, stdin: keys.stream },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    if (keys.own) keys.stream.destroy();
  }
  return 0;
}
