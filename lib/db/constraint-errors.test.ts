import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { accounts, groups, invites } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import { errorResponse } from "@/lib/http/errors";
import { conflictFromConstraint } from "./constraint-errors";

/** The error a statement throws (through drizzle, as services see it), in either dialect. */
async function errorOf(statement: () => Promise<unknown>, what: string): Promise<unknown> {
  try {
    await statement();
  } catch (err) {
    return err;
  }
  throw new Error(what);
}

/** The error a real duplicate insert throws. */
async function duplicateGroupError(): Promise<unknown> {
  const accountId = crypto.randomUUID();
  const group = () => ({ id: crypto.randomUUID(), accountId, name: "dup\ufffd" });
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id: accountId });
    await tx.insert(groups).values(group());
  });
  return errorOf(() => writeSystem(async (tx) => tx.insert(groups).values(group())), "the unique index on group names let a duplicate in");
}

async function foreignKeyError(): Promise<unknown> {
  return errorOf(
    () => writeSystem(async (tx) => tx.insert(groups).values({ id: crypto.randomUUID(), accountId: crypto.randomUUID(), name: "orphan" })),
    "the foreign key to accounts let an orphan in",
  );
}

describe("database constraint violations", () => {
  it("a unique violation is a Conflict, answered 409 by the API with a clear message", async () => {
    const err = await duplicateGroupError();
    expect(conflictFromConstraint(err)).toBeInstanceOf(Conflict);
    const res = errorResponse(err);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { message: string; code: number };
    expect(body.code).toBe(409);
    expect(body.message).toMatch(/already exists/);
    expect(body.message).not.toMatch(/SQLITE|constraint|groups\.|duplicate key|violates/i);
  });

  it("a unique violation is an error message in form state, not a thrown 500", async () => {
    const state = formStateFromError(await duplicateGroupError(), { name: "dup" });
    expect(state).toMatchObject({ status: "error", values: { name: "dup" } });
    expect(state.message).toMatch(/already exists/);
  });

  it("two rows with one username (the checks raced) are a Conflict in the username field", async () => {
    const accountId = crypto.randomUUID();
    const invite = () => ({
      id: crypto.randomUUID(),
      accountId,
      nameCiphertext: "x",
      role: "user" as const,
      autoGroups: [],
      tokenDigest: crypto.randomUUID(),
      expiresAt: new Date(),
      createdBy: "someone",
      usernameIndex: "same-index",
    });
    await writeSystem(async (tx) => {
      await tx.insert(accounts).values({ id: accountId });
      await tx.insert(invites).values(invite());
    });
    const err = await errorOf(() => writeSystem(async (tx) => tx.insert(invites).values(invite())), "the unique index on invite usernames let a duplicate in");
    const res = errorResponse(err);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ message: "This username is taken", code: 409, errors: { username: ["This username is taken"] } });
    expect(formStateFromError(err).fieldErrors).toEqual({ username: ["This username is taken"] });
  });

  it("a foreign key violation is a 409 too", async () => {
    expect(errorResponse(await foreignKeyError()).status).toBe(409);
  });

  it("other errors are left alone", () => {
    expect(conflictFromConstraint(new Error("boom"))).toBeUndefined();
    expect(conflictFromConstraint(undefined)).toBeUndefined();
    expect(() => formStateFromError(new Error("boom"))).toThrow("boom");
  });
});
