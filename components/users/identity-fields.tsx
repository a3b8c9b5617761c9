"use client";

import { useTranslations } from "next-intl";
/**
 * The fields that name a person — email, username, name — as the setup form,
 * Create user and Invite user ask for them (one place for the labels, the
 * hints and the username prefill): the username follows the email's local
 * part until it is typed in, and what was typed survives a refused save.
 */
import { useState } from "react";
import { TextField } from "@/components/ui/text-field";
import { suggestedUsername } from "@/lib/users/username-rule";
import { USERNAME_MAX } from "@/lib/users/username-rule";

export function IdentityFields({
  values,
  errors = {},
  own = false,
  emailRequired = false,
  emailHint,
  usernameHint,
  nameRequired = false,
  nameHint,
}: {
  /** What the person typed before a refused save (form state's values). */
  values?: Record<string, string>;
  errors?: Record<string, string[] | undefined>;
  /** The person's own account (setup): the browser may fill in their details. */
  own?: boolean;
  emailRequired?: boolean;
  emailHint?: string;
  /** Said after the allowed characters. */
  usernameHint?: string;
  nameRequired?: boolean;
  nameHint?: string;
}) {
  const [username, setUsername] = useState(values?.username ?? "");
  const t = useTranslations("columns");
  // Only the fields' own texts: the whole usersPage namespace would go to every page with these fields (setup, invite).
  const fields = useTranslations("usersPage.fields");
  const common = useTranslations("common");
  const USERNAME_CHARACTERS = fields("usernameCharacters");
  // Once the username is typed in, a changed email no longer replaces it.
  const [usernameTyped, setUsernameTyped] = useState(Boolean(values?.username));
  return (
    <>
      <TextField
        label={t("email")}
        name="email"
        type="email"
        autoComplete={own ? "email" : "off"}
        required={emailRequired}
        defaultValue={values?.email}
        errors={errors.email}
        hint={emailHint}
        onChange={(e) => {
          if (!usernameTyped) setUsername(suggestedUsername(e.currentTarget.value));
        }}
      />
      <TextField
        label={t("username")}
        name="username"
        autoComplete={own ? "username" : "off"}
        autoCapitalize="none"
        spellCheck={false}
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
          setUsernameTyped(true);
        }}
        errors={errors.username}
        hint={[USERNAME_CHARACTERS, common("upToCharacters", { max: USERNAME_MAX }), usernameHint].filter(Boolean).join(" ")}
      />
      <TextField
        label={t("name")}
        name="name"
        autoComplete={own ? "name" : "off"}
        required={nameRequired}
        defaultValue={values?.name}
        errors={errors.name}
        hint={nameHint}
      />
    </>
  );
}
