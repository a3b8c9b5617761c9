import { useTranslations } from "next-intl";
import { PasswordField } from "@/components/ui/password-field";

/**
 * A new password and its confirmation; the confirm field is always named "confirm_password".
 * `forSomeoneElse`: an admin typing another person's password. "new-password" tells the browser it is the
 * signed-in person's own: it offers to generate one and to save it as their credential for this site, which
 * puts the other person's password in the admin's password manager (and its sync). "off" asks it not to.
 */
export function NewPasswordFields({
  name = "password",
  label,
  confirmLabel,
  errors = {},
  forSomeoneElse = false,
}: {
  name?: string;
  label?: string;
  confirmLabel?: string;
  errors?: Record<string, string[] | undefined>;
  forSomeoneElse?: boolean;
}) {
  const t = useTranslations("passwordField");
  const autoComplete = forSomeoneElse ? "off" : "new-password";
  return (
    <>
      <PasswordField
        label={label ?? t("password")}
        name={name}
        autoComplete={autoComplete}
        required
        minLength={8}
        strength
        hint={t("newHint")}
        errors={errors[name]}
      />
      <PasswordField
        label={confirmLabel ?? t("confirm")}
        name="confirm_password"
        autoComplete={autoComplete}
        required
        errors={errors.confirm_password}
      />
    </>
  );
}
