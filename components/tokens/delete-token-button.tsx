"use client";

import { useTranslations } from "next-intl";
import { deleteTokenAction } from "@/app/(dashboard)/token-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { bindAction } from "@/lib/forms/bind-action";

export function DeleteTokenButton({ userId, tokenId, name }: { userId: string; tokenId: string; name: string }) {
  const t = useTranslations("tokensPage.delete");
  return (
    <ConfirmAction
      label={t("button")}
      subject={name}
      title={t("title", { name })}
      body={t("body")}
      confirmLabel={t("confirm")}
      action={bindAction(deleteTokenAction, userId, tokenId)}
    />
  );
}
