/**
 * The loop of a background worker that any number of processes may run (publish scheduler, webhook
 * delivery, image variants): a first pass at once (catching up after downtime), then one `intervalMs`
 * after each pass ends. A failing pass is logged at most once a minute and retried on the next one.
 */
export interface PassLoop<T> {
  /** Runs a pass now, or joins the one running; resolves with what it did. */
  runOnce(): Promise<T>;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

const ERROR_LOG_INTERVAL_MS = 60_000;

export function startPassLoop<T>(opts: {
  intervalMs: number;
  /** One pass; `stopped()` tells a long pass that the loop is stopping. */
  pass: (stopped: () => boolean) => Promise<T>;
  /** What a failed pass resolves with. */
  failed: T;
  log: { error(fields: object, message: string): void };
  /** The log message of a failing pass. */
  failure: string;
}): PassLoop<T> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<T> | undefined;
  let lastErrorLoggedAt = 0;

  const run = async (): Promise<T> => {
    try {
      const result = await opts.pass(() => stopped);
      lastErrorLoggedAt = 0;
      return result;
    } catch (error) {
      if (!stopped && Date.now() - lastErrorLoggedAt >= ERROR_LOG_INTERVAL_MS) {
        lastErrorLoggedAt = Date.now();
        opts.log.error({ err: error }, opts.failure);
      }
      return opts.failed;
    }
  };
  const runOnce = () => {
    current ??= run().finally(() => {
      current = undefined;
    });
    return current;
  };
  const loop = () => {
    timer = undefined;
    if (stopped) return;
    void runOnce().finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.intervalMs);
    });
  };
  timer = setTimeout(loop, 0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
