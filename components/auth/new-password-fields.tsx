import { PasswordField } from "@/components/ui/password-field";

/** A new password and its confirmation; the confirm field is always named "confirm_password". */
export function NewPasswordFields({
  name = "password",
  label = "Password",
  confirmLabel = "Confirm password",
  errors = {},
}: {
  name?: string;
  label?: string;
  confirmLabel?: string;
  errors?: Record<string, string[] | undefined>;
}) {
  return (
    <>
      <PasswordField
        label={label}
        name={name}
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        strength
        hint="8 to 128 characters, hard to guess: a few uncommon words work well."
        errors={errors[name]}
      />
      <PasswordField
        label={confirmLabel}
        name="confirm_password"
        autoComplete="new-password"
        required
        errors={errors.confirm_password}
      />
    </>
  );
}
