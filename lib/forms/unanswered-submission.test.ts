import { redirect, notFound } from "next/navigation";
import { describe, expect, it } from "vitest";
import { UnrecognizedActionError } from "next/dist/client/components/unrecognized-action-error";
import { NO_ANSWER, PAGE_OUTDATED, TOO_LARGE, unansweredSubmission } from "./unanswered-submission";

const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (thrown) {
    return thrown;
  }
  throw new Error("did not throw");
};

describe("unansweredSubmission", () => {
  it("turns a failed fetch or a response that isn't the action's answer into the form's state", () => {
    expect(unansweredSubmission(new TypeError("Failed to fetch"))).toEqual({ status: "error", message: NO_ANSWER });
    expect(unansweredSubmission(new Error("An unexpected response was received from the server."))).toEqual({ status: "error", message: NO_ANSWER });
  });

  it("says a body over the server's cap is too large (its guard's plain-text answer, scripts/body-limit.mjs)", () => {
    expect(unansweredSubmission(new Error("Request body is too large (limit 64 KiB)"))).toEqual({ status: "error", message: TOO_LARGE, code: 413 });
  });

  it("says the page is older than the server when the action is unknown to it", () => {
    expect(unansweredSubmission(new UnrecognizedActionError("Server Action was not found"))).toEqual({ status: "error", message: PAGE_OUTDATED });
  });

  it("passes on what isn't a failed call: a redirect or not-found the action asked for, an error the action raised", () => {
    const redirecting = thrownBy(() => redirect("/login"));
    expect(() => unansweredSubmission(redirecting)).toThrow(redirecting as Error);
    const missing = thrownBy(() => notFound());
    expect(() => unansweredSubmission(missing)).toThrow(missing as Error);
    const raised = Object.assign(new Error("An error occurred in the Server Components render."), { digest: "1234567890" });
    expect(() => unansweredSubmission(raised)).toThrow(raised);
  });
});
