/*
 * Progress output on a terminal that reports no size.
 *
 * MultiStageOutput draws with ink, which measures the terminal on every frame (many a second). When stdout is a
 * terminal whose size is 0x0 (a pseudo-terminal nobody sized: `script`, some CI runners, `docker exec -t`), ink asks
 * the terminal-size package, which opens /dev/tty for each answer and never closes it: hundreds of descriptors a second,
 * until any file operation fails with EMFILE (a login could then not write its auth file). terminal-size answers from
 * COLUMNS and LINES before it opens anything, so those are set once, to the 80x24 ink would end up using anyway.
 */
export const FALLBACK_SIZE = { columns: 80, rows: 24 } as const;

type Terminal = { isTTY?: boolean; columns?: number; rows?: number };

/**
 * Sets COLUMNS and LINES (when unset) if `stream` is a terminal without a size. Returns whether it did: a terminal that
 * has a size, or output that is not a terminal, is left alone (ink measures those without opening anything).
 */
export function settleTerminalSize(stream: Terminal = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY || (stream.columns && stream.rows)) return false;
  if (env.COLUMNS && env.LINES) return false;
  // A dimension of 0 is no answer: the fallback takes its place.
  Object.assign(env, {
    COLUMNS: env.COLUMNS ?? String(stream.columns ? stream.columns : FALLBACK_SIZE.columns),
    LINES: env.LINES ?? String(stream.rows ? stream.rows : FALLBACK_SIZE.rows),
  });
  return true;
}
