"use client";

import { deleteServiceUserAction, setServiceUserBlockedAction } from "@/app/(dashboard)/team/service-users/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";

export function ServiceUserActions({
  user,
  allowed,
}: {
  user: { id: string; name: string; isBlocked: boolean };
  allowed: { block: boolean; delete: boolean };
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.block && (
        <ConfirmAction
          label={user.isBlocked ? "Unblock" : "Block"}
          title={`${user.isBlocked ? "Unblock" : "Block"} ${user.name}?`}
          body={
            user.isBlocked
              ? "Its access tokens work again (those not expired)."
              : "All its access tokens are refused from the next request on, until you unblock it."
          }
          confirmLabel={user.isBlocked ? "Unblock" : "Block"}
          confirmVariant={user.isBlocked ? "primary" : "danger"}
          action={setServiceUserBlockedAction.bind(null, user.id, !user.isBlocked)}
        />
      )}
      {allowed.delete && (
        <ConfirmAction
          label="Delete service user"
          variant="danger"
          title={`Delete ${user.name}?`}
          body="The service user and all its access tokens are removed; anything using them is refused at once. Its activity history stays readable. This can't be undone."
          confirmLabel="Delete service user"
          action={deleteServiceUserAction.bind(null, user.id)}
        />
      )}
    </div>
  );
}
