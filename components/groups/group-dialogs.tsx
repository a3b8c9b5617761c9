"use client";

import { useTranslations } from "next-intl";
import { useCallback, useState } from "react";
import { createGroupAction, deleteGroupAction, renameGroupAction } from "@/app/(dashboard)/team/groups/actions";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useToast } from "@/components/ui/toast";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import { GROUP_NAME_MAX } from "@/lib/groups/schemas";
import { bindAction } from "@/lib/forms/bind-action";

type FormAction = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * Runs the dialog's action; a success closes the dialog and becomes a toast
 * (raised from the action, so it shows even when the row that held the
 * dialog is gone). A refusal stays in the dialog, next to the field.
 */
function useDialogForm(action: FormAction, onDone: () => void) {
  const notify = useToast();
  return useServerForm(async (prev, data) => {
    const result = await action(prev, data);
    if (result.status === "success") {
      if (result.message) notify("success", result.message);
      onDone();
    }
    return result;
  });
}

function GroupNameForm({
  action,
  defaultName,
  submitLabel,
  pendingLabel,
  onCancel,
  onDone,
}: {
  action: FormAction;
  defaultName: string;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const form = useDialogForm(action, onDone);
  const t = useTranslations("groupsPage");
  const col = useTranslations("columns");
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && !errors.name && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label={col("name")}
        name="name"
        autoComplete="off"
        required
        hint={t("nameHint", { max: GROUP_NAME_MAX })}
        defaultValue={state.values?.name ?? defaultName}
        errors={errors.name}
      />
      <FormActions onCancel={onCancel} pending={form.pending} pendingLabel={pendingLabel}>{submitLabel}</FormActions>
    </form>
  );
}

/**
 * CSS inheritance follows the DOM, not the top layer: a dialog opened from a
 * right-aligned table cell would inherit its alignment. This resets it
 * without adding a box of its own.
 */
function DialogFrame({ children }: { children: React.ReactNode }) {
  return <div className="contents text-left">{children}</div>;
}

function useDialog() {
  const [open, setOpen] = useState(false);
  const show = useCallback(() => setOpen(true), []);
  const close = useCallback(() => setOpen(false), []);
  return { open, show, close, done: close };
}

export function CreateGroupButton() {
  const dialog = useDialog();
  const t = useTranslations("groupsPage");
  return (
    <>
      <Button onClick={dialog.show}>{t("create")}</Button>
      <DialogFrame>
        <Dialog open={dialog.open} onClose={dialog.close} title={t("create")}>
          <GroupNameForm
            action={createGroupAction}
            defaultName=""
            submitLabel={t("createSubmit")}
            pendingLabel={t("creating")}
            onCancel={dialog.close}
            onDone={dialog.done}
          />
        </Dialog>
      </DialogFrame>
    </>
  );
}

type GroupRef = { id: string; name: string };

/** The visible label is short; screen readers hear which group the button is for. */
function RowButtonLabel({ verb, name }: { verb: string; name: string }) {
  return (
    <>
      {verb}
      <span className="sr-only"> {name}</span>
    </>
  );
}

export function RenameGroupButton({ group, variant = "secondary" }: { group: GroupRef; variant?: ButtonVariant }) {
  const dialog = useDialog();
  const t = useTranslations("groupsPage");
  return (
    <>
      <Button variant={variant} onClick={dialog.show}>
        <RowButtonLabel verb={t("rename")} name={group.name} />
      </Button>
      <DialogFrame>
        <Dialog open={dialog.open} onClose={dialog.close} title={t("renameTitle", { name: group.name })}>
          <GroupNameForm
            action={bindAction(renameGroupAction, group.id)}
            defaultName={group.name}
            submitLabel={t("rename")}
            pendingLabel={t("renaming")}
            onCancel={dialog.close}
            onDone={dialog.done}
          />
        </Dialog>
      </DialogFrame>
    </>
  );
}

function DeleteGroupForm({
  group,
  returnToList,
  onCancel,
  onDone,
}: {
  group: GroupRef;
  returnToList: boolean;
  onCancel: () => void;
  onDone: () => void;
}) {
  const form = useDialogForm(bindAction(deleteGroupAction, group.id, returnToList), onDone);
  const t = useTranslations("groupsPage");
  const state = form.state;
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <p className="text-sm text-slate-700">
        {t.rich("deleteBody", { name: group.name, strong: (chunks) => <strong className="font-semibold text-slate-900">{chunks}</strong> })}
      </p>
      <FormActions onCancel={onCancel} variant="danger" pending={form.pending} pendingLabel={t("deleting")}>{t("deleteTitle")}</FormActions>
    </form>
  );
}

export function DeleteGroupButton({
  group,
  returnToList = false,
  variant = "secondary",
}: {
  group: GroupRef;
  /** On the group's own page: go back to the list afterwards. */
  returnToList?: boolean;
  variant?: ButtonVariant;
}) {
  const dialog = useDialog();
  const t = useTranslations("groupsPage");
  return (
    <>
      <Button variant={variant} onClick={dialog.show}>
        <RowButtonLabel verb={t("delete")} name={group.name} />
      </Button>
      <DialogFrame>
        <Dialog open={dialog.open} onClose={dialog.close} title={t("deleteTitle")}>
          <DeleteGroupForm group={group} returnToList={returnToList} onCancel={dialog.close} onDone={dialog.done} />
        </Dialog>
      </DialogFrame>
    </>
  );
}
