import { redirect } from "next/navigation";
import { settingsTabs } from "@/lib/auth/navigation";
import { pageActor } from "@/lib/sign-in/session-actor";

/** The first settings page the viewer may use. */
export default async function SettingsPage() {
  redirect(settingsTabs(await pageActor())[0]?.href ?? "/settings/identity-providers");
}
