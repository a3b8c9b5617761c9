/**
 * `action.bind(null, …args)` for a server action that a client component
 * hands to a form: the same bound function for the same action and arguments.
 *
 * React's bind of a server reference makes a new pending promise of the bound
 * arguments each time. When a form is posted without JavaScript, the server
 * renders useActionState, which waits for that promise and renders again; the
 * new render binds again, waits again, and never ends (vercel/next.js#98045):
 * the request kept a core busy until the client gave up, on public pages too
 * (the sign-in page's provider buttons, invite and reset links). Binding here
 * gives the retry the function (and the promise, now settled) of the first
 * render, so the post is answered with the form's state as intended.
 *
 * Entries are kept only for the seconds a render needs, a few hundred at most:
 * they hold the bound arguments (ids, or a link's token) in memory briefly.
 */
const KEEP_MS = 30_000;
const MAX_ENTRIES = 500;

type Entry = { fn: unknown; at: number };
const made = new WeakMap<object, Map<string, Entry>>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;
type Bound<F extends AnyFn, B extends unknown[]> = F extends (...args: [...B, ...infer Rest]) => infer R ? (...args: Rest) => R : never;

export function bindAction<F extends AnyFn, B extends (string | number | boolean | null)[]>(action: F, ...bound: B): Bound<F, B> {
  let forAction = made.get(action);
  if (!forAction) made.set(action, (forAction = new Map()));
  const key = JSON.stringify(bound);
  const now = Date.now();
  const kept = forAction.get(key);
  if (kept && now - kept.at < KEEP_MS) return kept.fn as Bound<F, B>;
  // Oldest first (a Map keeps insertion order): drop what has expired, and the oldest past the cap.
  for (const [k, entry] of forAction) {
    if (now - entry.at < KEEP_MS && forAction.size < MAX_ENTRIES) break;
    forAction.delete(k);
  }
  const fn = action.bind(null, ...bound);
  forAction.delete(key);
  forAction.set(key, { fn, at: now });
  return fn as Bound<F, B>;
}
