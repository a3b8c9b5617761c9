/**
 * The proof that it's the person (lib/mfa/proof.ts) as a dashboard form sends it (components/mfa/proof-fields.tsx):
 * the current password or a code from the app. Both are secrets the form shows: a refusal is said at them
 * (formStateFromError's `secrets`), and their values are never sent back.
 */
export const PROOF_FIELDS = ["password", "code"] as const;

export function proofOf(formData: FormData): { password: string; code: string } {
  return { password: String(formData.get("password") ?? ""), code: String(formData.get("code") ?? "") };
}
