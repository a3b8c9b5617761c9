"use client";

import { deleteProviderAction, setLocalSignInAction, setProviderEnabledAction } from "@/app/(dashboard)/settings/actions";
import { useTranslations } from "next-intl";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { bindAction } from "@/lib/forms/bind-action";

export function ToggleProviderButton({ provider }: { provider: { id: string; name: string; enabled: boolean } }) {
  const t = useTranslations("providersPage");
  const name = provider.name;
  return provider.enabled ? (
    <ConfirmAction
      label={t("disableNamed", { name })}
      title={t("disableTitle", { name })}
      body={<p>{t("disableBody")}</p>}
      confirmLabel={t("disable")}
      action={bindAction(setProviderEnabledAction, provider.id, false)}
    />
  ) : (
    <ConfirmAction
      label={t("enableNamed", { name })}
      title={t("enableTitle", { name })}
      body={<p>{t("enableBody", { name })}</p>}
      confirmLabel={t("enable")}
      confirmVariant="primary"
      action={bindAction(setProviderEnabledAction, provider.id, true)}
    />
  );
}

export function DeleteProviderButton({ provider }: { provider: { id: string; name: string } }) {
  const t = useTranslations("providersPage");
  const name = provider.name;
  return (
    <ConfirmAction
      label={t("deleteNamed", { name })}
      title={t("deleteTitle", { name })}
      body={<p>{t("deleteBody")}</p>}
      confirmLabel={t("delete")}
      action={bindAction(deleteProviderAction, provider.id)}
    />
  );
}

export function LocalSignInToggle({ enabled }: { enabled: boolean }) {
  const t = useTranslations("providersPage");
  return enabled ? (
    <ConfirmAction
      label={t("localOff")}
      title={t("localOffTitle")}
      body={<p>{t("localOffBody")}</p>}
      confirmLabel={t("turnOff")}
      action={bindAction(setLocalSignInAction, false)}
    />
  ) : (
    <ConfirmAction
      label={t("localOn")}
      title={t("localOnTitle")}
      body={<p>{t("localOnBody")}</p>}
      confirmLabel={t("turnOn")}
      confirmVariant="primary"
      action={bindAction(setLocalSignInAction, true)}
    />
  );
}
