"use client";

import { deleteTokenAction } from "@/app/(dashboard)/token-actions";
import { ConfirmAction } from "@/components/ui/confirm-action";

export function DeleteTokenButton({ userId, tokenId, name }: { userId: string; tokenId: string; name: string }) {
  return (
    <ConfirmAction
      label="Delete"
      title={`Delete token "${name}"?`}
      body="Anything using this token is refused from the next request on. This can't be undone."
      confirmLabel="Delete token"
      action={deleteTokenAction.bind(null, userId, tokenId)}
    />
  );
}
