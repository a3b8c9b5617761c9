"use client";

import { deleteProviderAction, setLocalSignInAction, setProviderEnabledAction } from "@/app/(dashboard)/settings/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";

export function ToggleProviderButton({ provider }: { provider: { id: string; name: string; enabled: boolean } }) {
  return provider.enabled ? (
    <ConfirmAction
      label={`Disable ${provider.name}`}
      title={`Disable ${provider.name}?`}
      body={<p>Its button leaves the sign-in page and nobody can sign in with it until it is enabled again. Signed-in sessions stay.</p>}
      confirmLabel="Disable"
      action={setProviderEnabledAction.bind(null, provider.id, false)}
    />
  ) : (
    <ConfirmAction
      label={`Enable ${provider.name}`}
      title={`Enable ${provider.name}?`}
      body={<p>A “Sign in with {provider.name}” button appears on the sign-in page.</p>}
      confirmLabel="Enable"
      confirmVariant="primary"
      action={setProviderEnabledAction.bind(null, provider.id, true)}
    />
  );
}

export function DeleteProviderButton({ provider }: { provider: { id: string; name: string } }) {
  return (
    <ConfirmAction
      label={`Delete ${provider.name}`}
      title={`Delete ${provider.name}?`}
      body={<p>The provider&apos;s settings and client secret are removed. Only a provider nobody signs in with can be deleted.</p>}
      confirmLabel="Delete"
      action={deleteProviderAction.bind(null, provider.id)}
    />
  );
}

export function LocalSignInToggle({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <ConfirmAction
      label="Turn off email and password sign-in"
      title="Turn off email and password sign-in?"
      body={
        <p>
          The email and password form leaves the sign-in page and local passwords stop working. This is refused while it is the owner&apos;s only way in.
        </p>
      }
      confirmLabel="Turn off"
      action={setLocalSignInAction.bind(null, false)}
    />
  ) : (
    <ConfirmAction
      label="Turn on email and password sign-in"
      title="Turn on email and password sign-in?"
      body={<p>Users with a local password can sign in with the email and password form again.</p>}
      confirmLabel="Turn on"
      confirmVariant="primary"
      action={setLocalSignInAction.bind(null, true)}
    />
  );
}
