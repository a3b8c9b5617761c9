import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "Latchkey", description: "Self-hosted team and identity dashboard" };

// Every page depends on the database and the session; nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
