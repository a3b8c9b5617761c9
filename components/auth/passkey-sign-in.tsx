"use client";

import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication } from "@simplewebauthn/browser";
import { startTransition, useActionState, useCallback, useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { passkeyOptionsAction, passkeySignInAction } from "@/app/(public)/login/passkey-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useServerText } from "@/components/ui/use-server-form";
import { initialFormState, type FormState } from "@/lib/forms/form-state";
import { answering, unansweredSubmission } from "@/lib/forms/unanswered-submission";

/** A challenge lives five minutes on the server; the autofill request asks for a new one a little before. */
const AUTOFILL_RENEW_MS = 4 * 60_000;

/**
 * What went wrong, kept as the server's text or as a key translated when shown: `ask` must not
 * depend on the translator. The autofill effect re-runs whenever `ask` changes, and each run
 * aborts the browser's open request and posts for a new challenge, whose cookie refreshes the
 * page; a translator with a new identity after a refresh made that a loop (docs/benchmarks.md,
 * "Round 13: page render again (wt-page5)").
 */
type Problem = { text: string } | { key: "unavailable" | "cancelled" | "browserFailed" };

type Props = {
  callbackUrl: string;
  /** Offer passkeys in the browser's autofill of the username field too (conditional mediation). */
  autofill: boolean;
  /** Fetches the options (and binds the challenge to this browser). */
  optionsAction?: () => Promise<FormState>;
  /** Sends the browser's answer; Auth.js makes the session and redirects. */
  signInAction?: (prev: FormState, data: FormData) => Promise<FormState>;
  /** The form field the answer goes in. */
  field?: string;
  /** The button's text; "Sign in with a passkey" in the person's language unless given. */
  label?: string;
};

/**
 * "Sign in with a passkey" (and the same answer from the browser's autofill
 * list). Also the second step's "Use a passkey", with that step's actions.
 */
export function PasskeySignIn({ callbackUrl, autofill, optionsAction = passkeyOptionsAction, signInAction = passkeySignInAction, field = "response", label }: Props) {
  const t = useTranslations("publicPages.passkey");
  // A call that got no answer (a proxy's 429, a dropped connection) is said here, not as an error page.
  const [state, dispatch, pending] = useActionState(answering(signInAction), initialFormState);
  const say = useServerText();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [supported, setSupported] = useState(true);
  // The browser's autofill request is open (shown as data-passkey-autofill, which tests wait for).
  const [autofillOpen, setAutofillOpen] = useState(false);
  const run = useRef(0);
  const renew = useRef<ReturnType<typeof setTimeout> | null>(null);

  const ask = useCallback(
    async (useBrowserAutofill: boolean) => {
      const mine = ++run.current;
      if (renew.current) clearTimeout(renew.current);
      const started = await optionsAction().catch(unansweredSubmission);
      if (mine !== run.current) return;
      if (started.status === "error" || !started.result?.options) {
        if (!useBrowserAutofill) setProblem(started.message ? { text: started.message } : { key: "unavailable" });
        return;
      }
      if (useBrowserAutofill) renew.current = setTimeout(() => void ask(true), AUTOFILL_RENEW_MS);
      else setWaiting(true);
      setAutofillOpen(useBrowserAutofill);
      try {
        const response = await startAuthentication({ optionsJSON: JSON.parse(started.result.options), useBrowserAutofill });
        if (mine !== run.current) return;
        const data = new FormData();
        data.set(field, JSON.stringify(response));
        data.set("callbackUrl", callbackUrl);
        setProblem(null);
        startTransition(() => dispatch(data));
      } catch (err) {
        // A newer request (the button, or a renewed autofill) aborts the older one: nothing to say.
        if (mine !== run.current) return;
        if (!useBrowserAutofill) {
          const cancelled = err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError");
          setProblem({ key: cancelled ? "cancelled" : "browserFailed" });
        }
      } finally {
        if (mine === run.current) {
          setWaiting(false);
          setAutofillOpen(false);
        }
      }
    },
    [callbackUrl, dispatch, field, optionsAction],
  );

  useEffect(() => {
    setSupported(browserSupportsWebAuthn());
    if (!autofill) return;
    let cancelled = false;
    void browserSupportsWebAuthnAutofill().then((ok) => {
      if (ok && !cancelled) void ask(true);
    });
    return () => {
      cancelled = true;
      run.current++;
      if (renew.current) clearTimeout(renew.current);
    };
  }, [autofill, ask]);

  // After a refused answer the autofill list is offered again.
  useEffect(() => {
    if (autofill && state.status === "error") void ask(true);
  }, [autofill, ask, state]);

  if (!supported) return null;
  const said = (text: string | undefined) => say({ status: "error", message: text }).message;
  const message = problem ? ("text" in problem ? said(problem.text) : t(problem.key)) : state.status === "error" ? said(state.message) : null;
  return (
    <div className="space-y-3" data-passkey-autofill={autofillOpen ? "open" : undefined}>
      {message && <Alert tone="error">{message}</Alert>}
      <Button variant="secondary" className="w-full" disabled={pending || waiting} onClick={() => void ask(false)}>
        {pending ? t("signingIn") : waiting ? t("waiting") : (label ?? t("signIn"))}
      </Button>
    </div>
  );
}
