import { LanguageSwitch } from "@/components/shell/language-switch";
import { brandView, instanceBranding } from "@/lib/instance/branding";
import { cardClasses } from "@/components/ui/card";

/** The centred card that frames the setup, sign-in and invite pages, under the instance's name and logo (Settings → Appearance). */
export async function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  const brand = brandView(await instanceBranding());
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          {brand.logoUrl && (
            // The name follows as text, so the picture adds nothing for a screen reader (empty alt).
            // eslint-disable-next-line @next/next/no-img-element
            <img src={brand.logoUrl} alt="" className="mx-auto mb-2 max-h-12 max-w-full" data-testid="instance-logo" />
          )}
          <p className="text-sm font-semibold tracking-wide text-indigo-600">{brand.name}</p>
          <h1 className="mt-1 text-2xl font-bold text-slate-900">{title}</h1>
          {subtitle && <p className="mt-2 text-sm text-slate-600">{subtitle}</p>}
        </div>
        <div className={cardClasses()}>{children}</div>
        <div className="mt-6">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
