import { useTranslations } from "next-intl";

/**
 * What an app without a client secret signs in with, by its type: a single-page app with PKCE, a device app with
 * a code the person approves on another screen. With the client ID when the app was just registered.
 */
export function NoSecretNote({ type, clientId }: { type: "spa" | "device"; clientId?: string }) {
  const t = useTranslations("applicationsPage");
  const device = type === "device";
  if (clientId === undefined) return <>{t(device ? "secretNoneDevice" : "secretNone")}</>;
  return <>{t.rich(device ? "createdNoSecretDevice" : "createdNoSecret", { clientId, code: (chunks) => <code className="break-all font-mono">{chunks}</code> })}</>;
}
