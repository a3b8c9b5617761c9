/**
 * Unit tests' look at a refusal: what `run` throws or rejects with, which must be a `kind` (the test fails
 * when it is something else, or when `run` succeeds), typed as one for the assertions that follow.
 */
import { expect } from "vitest";

export async function refusal<E extends Error>(kind: abstract new (...args: never[]) => E, run: () => unknown): Promise<E> {
  let thrown: unknown;
  try {
    await run();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error(`expected a refusal (${kind.name})`);
  expect(thrown).toBeInstanceOf(kind);
  return thrown as E;
}
