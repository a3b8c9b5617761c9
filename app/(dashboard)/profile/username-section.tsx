import { getTranslations } from "next-intl/server";
import { OwnUsernameForm } from "@/components/users/own-username-form";
import type { Actor } from "@/lib/auth/actor";
import { canChangeOwnUsername } from "@/lib/users/own-username";
import { Card, CardHeading } from "@/components/ui/card";
import { sourceName } from "@/components/users/badges";
import { typesUsernameToSignIn, type IdentitySource } from "@/lib/idp/sources";

/** usernames: Profile → Username; editable when the owner lets people change their own (Settings → Identity providers → Usernames). */
export async function UsernameSection({ actor, username, hasEmail, source, hasLocalPassword }: { actor: Actor; username: string; hasEmail: boolean; source: IdentitySource; hasLocalPassword: boolean }) {
  const editable = await canChangeOwnUsername(actor);
  const t = await getTranslations("profilePage.username");
  // Someone who comes through a provider or the proxy with no password here was told they sign in with it (review 21).
  const typed = typesUsernameToSignIn(source, hasLocalPassword);
  return (
    <Card labelledBy="username-heading">
      <CardHeading id="username-heading">
        {t("heading")}
      </CardHeading>
      <p className="mb-4 mt-1 max-w-2xl text-sm text-slate-600">
        {!typed
          ? t(editable ? "externalEditable" : "externalFixed", { source: sourceName(source, await getTranslations("identitySources")) })
          : editable
            ? t(hasEmail ? "editableOrEmail" : "editable")
            : t(hasEmail ? "fixedOrEmail" : "fixed", { username })}
      </p>
      {editable && <OwnUsernameForm username={username} />}
    </Card>
  );
}
