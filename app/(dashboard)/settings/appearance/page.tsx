import { titled } from "@/i18n/titles";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AppearanceSettings } from "@/components/appearance/appearance-settings";
import { appearanceSettings } from "@/lib/appearance/settings";
import { can } from "@/lib/auth/policy";
import { DEFAULT_INSTANCE_NAME, logoPath } from "@/lib/instance/branding";
import { sessionActor } from "@/lib/sign-in/session-actor";

export const generateMetadata = titled("appearance");

export default async function AppearanceSettingsPage() {
  const actor = await sessionActor();
  if (!actor) redirect("/login");
  if (!can(actor, "settings:read")) return null;
  const branding = await appearanceSettings(actor);
  const t = await getTranslations("appearance");
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">{t("instance.intro")}</p>
      <AppearanceSettings
        readOnly={!can(actor, "settings:appearance")}
        defaultName={DEFAULT_INSTANCE_NAME}
        initial={{
          name: branding.custom ? branding.name : "",
          logo: branding.logo ? { url: logoPath(branding.logo), size: branding.logo.bytes.byteLength } : null,
        }}
      />
    </div>
  );
}
