import { useTranslations } from "next-intl";
import { PasswordField } from "@/components/ui/password-field";

/** A new password and its confirmation; the confirm field is always named "confirm_password". */
export function NewPasswordFields({
  name = "password",
  label,
  confirmLabel,
  errors = {},
}: {
  name?: string;
  label?: string;
  confirmLabel?: string;
  errors?: Record<string, string[] | undefined>;
}) {
  const t = useTranslations("passwordField");
  return (
    <>
      <PasswordField
        label={label ?? t("password")}
        name={name}
        autoComplete="new-password"
        required
        minLength={8}
        strength
        hint={t("newHint")}
        errors={errors[name]}
      />
      <PasswordField
        label={confirmLabel ?? t("confirm")}
        name="confirm_password"
        autoComplete="new-password"
        required
        errors={errors.confirm_password}
      />
    </>
  );
}
