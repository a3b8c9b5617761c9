import { clearRecoveryCodeNotice } from "@/lib/sign-in/recovery-code-notice";

/** The recovery-code notice was shown (app/(dashboard)/recovery-code-notice.tsx): its marker goes, so it isn't shown again. */
export async function POST(): Promise<Response> {
  await clearRecoveryCodeNotice();
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}
