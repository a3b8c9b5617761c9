"use client";

import type { Role } from "@/lib/db/schema";
import { IdentityFields } from "./identity-fields";
import { RoleSelect } from "./role-select";

/** The roles Create user and Invite user offer a new person. */
const NEW_PERSON_ROLES: Role[] = ["user", "auditor", "admin"];

/**
 * Who a new person is and their role, as Create user and Invite user both ask: the name is required,
 * and what was typed survives a refused save. Each form gives its own hints (a password is generated
 * now, or set by the person later).
 */
export function NewPersonFields({
  values,
  errors,
  emailHint,
  usernameHint,
}: {
  /** The form state's values after a refused save. */
  values?: Record<string, string>;
  errors: Record<string, string[] | undefined>;
  emailHint: string;
  usernameHint: string;
}) {
  return (
    <>
      <IdentityFields values={values} errors={errors} emailHint={emailHint} usernameHint={usernameHint} nameRequired />
      <RoleSelect roles={NEW_PERSON_ROLES} defaultValue={values?.role} errors={errors.role} />
    </>
  );
}
