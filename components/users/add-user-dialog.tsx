"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { createUserAction } from "@/app/(dashboard)/team/users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, useDialogHeld } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { InviteUserForm } from "@/components/invites/invite-user-form";
import { GroupCheckboxes } from "./group-checkboxes";
import { NewPersonFields } from "./new-person-fields";

type Group = { id: string; name: string };

/** `groups`: null when the actor may add people but not put them in groups (users:update; lib/auth/escalation.ts). */
function CreateUserForm({ groups, onCancel }: { groups: Group[] | null; onCancel: () => void }) {
  const form = useServerForm(createUserAction);
  const t = useTranslations("usersPage.add");
  const state = form.state;
  if (state.status === "success" && state.result) {
    return (
      <ShownOnceSecret
        label={t("passwordFor", { name: state.result.name })}
        value={state.result.password}
        warning={t("passwordOnce")}
        onClose={onCancel}
      />
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <NewPersonFields values={state.values} errors={errors} emailHint={t("emailHint")} usernameHint={t("usernameHint")} />
      {groups && <GroupCheckboxes groups={groups} errors={errors.auto_groups} legend={t("autoGroups")} />}
      <p className="text-sm text-slate-600">{t("generatedNote")}</p>
      <FormActions onCancel={onCancel} pending={form.pending} pendingLabel={t("creating")}>{t("create")}</FormActions>
    </form>
  );
}

const TABS = [{ id: "invite" }, { id: "create" }] as const;
type Tab = (typeof TABS)[number]["id"];

/** Invite or create. Gone while a password or invite link is shown once: a tab would replace it unseen. */
function AddUserTabs({ tab, onChange }: { tab: Tab; onChange: (tab: Tab) => void }) {
  const t = useTranslations("usersPage.add");
  if (useDialogHeld()) return null;
  return (
    <div
      role="tablist"
      aria-label={t("how")}
      className="mb-4 flex gap-1 border-b border-slate-200"
      onKeyDown={(e) => {
        // Tabs are one stop for Tab; the arrow keys (and Home/End) move between them and select.
        const at = TABS.findIndex((x) => x.id === tab);
        const next =
          e.key === "ArrowRight" ? (at + 1) % TABS.length
          : e.key === "ArrowLeft" ? (at - 1 + TABS.length) % TABS.length
          : e.key === "Home" ? 0
          : e.key === "End" ? TABS.length - 1
          : -1;
        if (next < 0) return;
        e.preventDefault();
        onChange(TABS[next].id);
        document.getElementById(`add-user-tab-${TABS[next].id}`)?.focus();
      }}
    >
      {TABS.map((x) => (
        <button
          key={x.id}
          type="button"
          role="tab"
          id={`add-user-tab-${x.id}`}
          aria-selected={tab === x.id}
          tabIndex={tab === x.id ? 0 : -1}
          aria-controls={`add-user-panel-${x.id}`}
          onClick={() => onChange(x.id)}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
            tab === x.id ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {t(`tabs.${x.id}`)}
        </button>
      ))}
    </div>
  );
}

/** The chosen tab's panel; a plain box while the tabs are gone (a secret shown once), so it names no missing tab. */
function AddUserPanel({ tab, children }: { tab: Tab; children: React.ReactNode }) {
  if (useDialogHeld()) return <div>{children}</div>;
  return (
    <div role="tabpanel" id={`add-user-panel-${tab}`} aria-labelledby={`add-user-tab-${tab}`}>
      {children}
    </div>
  );
}

export function AddUserDialog({ groups, mailEnabled = false, groupsOnCreate = true }: { groups: Group[]; mailEnabled?: boolean; groupsOnCreate?: boolean }) {
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>("invite");
  const close = () => setOpen(false);
  const t = useTranslations("usersPage.add");
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("title")}</Button>
      <Dialog open={open} onClose={close} title={t("title")}>
        <AddUserTabs tab={tab} onChange={setTab} />
        <AddUserPanel tab={tab}>
          {tab === "invite" ? (
            <InviteUserForm groups={groupsOnCreate ? groups : null} onCancel={close} mailEnabled={mailEnabled} />
          ) : (
            <CreateUserForm groups={groupsOnCreate ? groups : null} onCancel={close} />
          )}
        </AddUserPanel>
      </Dialog>
    </>
  );
}
