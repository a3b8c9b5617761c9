import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { groups } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import { errorResponse } from "@/lib/http/errors";
import { createAccount } from "@/test/factories";
import { conflictFromConstraint } from "./constraint-errors";

/** The error a real duplicate insert throws (through drizzle, as services see it). */
async function duplicateGroupError(): Promise<unknown> {
  const accountId = await createAccount();
  const insert = () => db().insert(groups).values({ id: crypto.randomUUID(), accountId, name: "dup\ufffd" }).run();
  insert();
  try {
    insert();
  } catch (err) {
    return err;
  }
  throw new Error("the unique index on group names let a duplicate in");
}

function foreignKeyError(): unknown {
  try {
    db().insert(groups).values({ id: crypto.randomUUID(), accountId: crypto.randomUUID(), name: "orphan" }).run();
  } catch (err) {
    return err;
  }
  throw new Error("the foreign key to accounts let an orphan in");
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
    expect(body.message).not.toMatch(/SQLITE|constraint|groups\./i);
  });

  it("a unique violation is an error message in form state, not a thrown 500", async () => {
    const state = formStateFromError(await duplicateGroupError(), { name: "dup" });
    expect(state).toMatchObject({ status: "error", values: { name: "dup" } });
    expect(state.message).toMatch(/already exists/);
  });

  it("a foreign key violation is a 409 too", async () => {
    expect(errorResponse(foreignKeyError()).status).toBe(409);
  });

  it("other errors are left alone", async () => {
    expect(conflictFromConstraint(new Error("boom"))).toBeUndefined();
    expect(conflictFromConstraint(undefined)).toBeUndefined();
    expect(() => formStateFromError(new Error("boom"))).toThrow("boom");
  });
});
