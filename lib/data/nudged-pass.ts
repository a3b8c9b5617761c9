/**
 * A background pass that a commit can ask for without waiting on it: a nudge
 * starts the pass soon in this process unless one is running, and then that
 * one goes round again when it ends. Shared by the outbox's delivery and the
 * search index's merge.
 */

type PassState = { running: Promise<void> | null; again: boolean };

// On globalThis: Next.js bundles instrumentation and routes separately; each pass's loop must be one per process.
const holder = globalThis as unknown as { latchkeyNudgedPasses?: Map<string, PassState> };

export type NudgedPass = {
  /** Starts the pass soon, or has the running one go round again. Never throws and never makes the caller wait. */
  nudge(): void;
  /** Resolves when this process's nudged passes are done (tests, shutdown). */
  idle(): Promise<void>;
};

/**
 * `pass` runs one round and answers whether it left more behind (then it runs
 * again at once). A failing round ends the loop and is logged as `failure`;
 * the next nudge starts afresh.
 */
export function nudgedPass(name: string, failure: string, pass: () => Promise<boolean>): NudgedPass {
  const state = (): PassState => {
    const passes = (holder.latchkeyNudgedPasses ??= new Map());
    let s = passes.get(name);
    if (!s) passes.set(name, (s = { running: null, again: false }));
    return s;
  };
  return {
    nudge() {
      const s = state();
      if (s.running) {
        s.again = true;
        return;
      }
      s.running = (async () => {
        // Out of the caller's stack (it may be finishing a unit of work's after-commit effects).
        await new Promise((resolve) => setImmediate(resolve));
        do {
          s.again = false;
          if (await pass()) s.again = true;
        } while (s.again);
      })()
        .catch((err: unknown) => console.error(failure, err))
        .finally(() => {
          s.running = null;
        });
    },
    async idle() {
      while (state().running) await state().running;
    },
  };
}

/** Resolves when every nudged pass of this process is done: before a database is closed under them (tests). */
export async function everyNudgedPassIdle(): Promise<void> {
  for (;;) {
    const running = [...(holder.latchkeyNudgedPasses?.values() ?? [])].map((s) => s.running).filter((r) => r !== null);
    if (running.length === 0) return;
    await Promise.all(running);
  }
}
