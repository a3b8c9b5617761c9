"use client";

import { useActionState } from "react";
import { signInWithProviderAction } from "@/app/(public)/login/actions";
import { ProviderIcon, type SourceKind } from "@/components/idp/provider-icon";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/forms/form-state";

export type ProviderButton = { id: string; name: string; type: SourceKind };

function ProviderSignIn({ provider, callbackUrl }: { provider: ProviderButton; callbackUrl: string }) {
  const [state, action] = useActionState(signInWithProviderAction.bind(null, provider.id), initialFormState);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <SubmitButton variant="secondary" className="w-full" pendingLabel={`Contacting ${provider.name}…`}>
        <ProviderIcon kind={provider.type} />
        Sign in with {provider.name}
      </SubmitButton>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
    </form>
  );
}

/** One button per enabled identity provider; each shows its own problem without touching the others. */
export function ProviderButtons({ providers, callbackUrl }: { providers: ProviderButton[]; callbackUrl: string }) {
  return (
    <div className="space-y-3">
      {providers.map((p) => (
        <ProviderSignIn key={p.id} provider={p} callbackUrl={callbackUrl} />
      ))}
    </div>
  );
}
