/*
 * Ctrl-C (and SIGTERM, or a closed terminal) while a command works.
 *
 * SfCommand's own listener calls this.exit(130) inside the signal handler: the ExitError it throws reaches no catch,
 * so sf prints its stack trace and, under --json, no JSON at all. While a create runs, the listener here takes its
 * place: the work is raced against the signal, and the interruption becomes an error that SfCommand prints the usual
 * way (human text or the JSON error object, exit code 130).
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type Interruptions = {
  /** Settles with the first signal received; never rejects. */
  readonly received: Promise<NodeJS.Signals>;
  /** The first signal received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  /** Stops listening (SfCommand's exit listener stays removed: the command is ending). */
  dispose(): void;
};

type SignalSource = Pick<NodeJS.Process, 'listeners' | 'removeListener' | 'on'>;

/** SfCommand's listener: `() => { this.exit(130); }` (sf-plugins-core sfCommand.js _run). */
const isSfCommandExit = (listener: (...args: unknown[]) => void): boolean => String(listener).includes('.exit(130)');

export function watchInterrupts(source: SignalSource = process): Interruptions {
  let signal: NodeJS.Signals | undefined;
  let settle: (value: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  const listener = (name: NodeJS.Signals): void => {
    signal ??= name;
    settle(signal);
  };
  for (const name of SIGNALS) {
    for (const other of source.listeners(name)) {
      if (isSfCommandExit(other as (...args: unknown[]) => void)) source.removeListener(name, other as () => void);
    }
    source.on(name, listener);
  }
  return {
    received,
    get signal(): NodeJS.Signals | undefined {
      return signal;
    },
    dispose(): void {
      for (const name of SIGNALS) source.removeListener(name, listener);
    },
  };
}
