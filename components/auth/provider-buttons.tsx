"use client";

import { useTranslations } from "next-intl";
import { signInWithProviderAction } from "@/app/(public)/login/actions";
import { ProviderIcon, type SourceKind } from "@/components/idp/provider-icon";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { bindAction } from "@/lib/forms/bind-action";

export type ProviderButton = { id: string; name: string; type: SourceKind };

function ProviderSignIn({ provider, callbackUrl }: { provider: ProviderButton; callbackUrl: string }) {
  const form = useServerForm(bindAction(signInWithProviderAction, provider.id), { guardLeave: false });
  const state = form.state;
  const t = useTranslations("signIn");
  return (
    <form {...form.formProps} className="space-y-2">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <SubmitButton variant="secondary" className="w-full" pending={form.pending} pendingLabel={t("contacting", { provider: provider.name })}>
        <ProviderIcon kind={provider.type} />
        {t("withProvider", { provider: provider.name })}
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
