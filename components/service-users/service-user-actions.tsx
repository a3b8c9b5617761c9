"use client";

import { useTranslations } from "next-intl";
import { deleteServiceUserAction, setServiceUserBlockedAction } from "@/app/(dashboard)/team/service-users/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { bindAction } from "@/lib/forms/bind-action";

export function ServiceUserActions({
  user,
  allowed,
}: {
  user: { id: string; name: string; isBlocked: boolean };
  allowed: { block: boolean; delete: boolean };
}) {
  const t = useTranslations("serviceUsersPage.actions");
  const name = user.name;
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.block && (
        <ConfirmAction
          label={user.isBlocked ? t("unblock") : t("block")}
          title={user.isBlocked ? t("unblockTitle", { name }) : t("blockTitle", { name })}
          body={user.isBlocked ? t("unblockBody") : t("blockBody")}
          confirmLabel={user.isBlocked ? t("unblock") : t("block")}
          confirmVariant={user.isBlocked ? "primary" : "danger"}
          action={bindAction(setServiceUserBlockedAction, user.id, !user.isBlocked)}
        />
      )}
      {allowed.delete && (
        <ConfirmAction
          label={t("delete")}
          variant="danger"
          title={t("deleteTitle", { name })}
          body={t("deleteBody")}
          confirmLabel={t("delete")}
          action={bindAction(deleteServiceUserAction, user.id)}
        />
      )}
    </div>
  );
}
