"use client";

import { useTranslations } from "next-intl";
import { deleteTokenAction } from "@/app/(dashboard)/token-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";

export function DeleteTokenButton({ userId, tokenId, name }: { userId: string; tokenId: string; name: string }) {
  const t = useTranslations("tokensPage.delete");
  return (
    <ConfirmAction
      label={t("button")}
      title={t("title", { name })}
      body={t("body")}
      confirmLabel={t("confirm")}
      action={deleteTokenAction.bind(null, userId, tokenId)}
    />
  );
}
