import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { isSetupRequired } from "@/lib/setup/instance";

export const metadata: Metadata = { title: "Set up Latchkey" };

export default async function SetupPage() {
  if (!(await isSetupRequired())) redirect("/login");
  return (
    <AuthCard title="Welcome to Latchkey" subtitle="Create the owner account to finish setting up this instance.">
      <SetupForm />
    </AuthCard>
  );
}
