"use client";
/**
 * Selecting rows of a list and acting on them together (Team → Users: Block,
 * Unblock, Delete; pending invites: Delete, Regenerate): a checkbox per row
 * and one in the header for the whole page, a bar naming how many are
 * selected with the actions, one confirmation naming the count, then a toast
 * with what changed and, for the rows the rules refused (the owner,
 * yourself…), each one's reason, listed under the bar. An action may ask
 * for more in its confirmation (confirmFields: invites' regenerate asks for
 * the expiry), sent along as form data. The texts come from
 * the list's own `messages` namespace (usersPage.bulk, invitesPage.bulk).
 * A run that got no answer (a proxy's 429, a dropped connection) says so in
 * the confirmation, which stays open with what was typed, to try again.
 */
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useMemo, useRef, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { ACTIONS_ROW } from "@/components/ui/form-actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { focusFirstInvalid } from "@/components/ui/focus";
import { useToast } from "@/components/ui/toast";
import { useUnansweredMessage } from "@/components/ui/unanswered-message";
import { useTranslations } from "next-intl";

export type BulkAction = "block" | "unblock" | "delete";
type Action = string;

/** What a bulk server action answers: the rows done, the rows refused with the reason; regenerate: the new links. */
export type BulkOutcome =
  | {
      status: "success";
      done: string[];
      failures: Array<{ id: string; message: string }>;
      links?: Array<{ id: string; token: string; expiresAt: string }>;
    }
  /** fieldErrors: a field of the confirmation was refused; the confirmation stays open with what was typed. */
  | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };

type Selection = {
  selected: ReadonlySet<string>;
  toggle: (id: string, on: boolean) => void;
  toggleAll: (on: boolean) => void;
  pageIds: string[];
  /** The list's translator, made once here rather than in each row's checkbox. */
  t: (key: string, values?: Record<string, string | number>) => string;
};

const SelectionContext = createContext<Selection | null>(null);

/** The lists whose bulk texts share usersPage.bulk's keys. */
export type BulkMessages = "usersPage.bulk" | "invitesPage.bulk";

/**
 * A translator for the list's namespace; the action-keyed texts (done.<action>…) are looked up by the action's name.
 * Each namespace is named literally so that i18n/client-namespaces.test.ts sees that the browser needs both.
 */
function useBulkTranslations(messages: string): (key: string, values?: Record<string, string | number>) => string {
  const users = useTranslations("usersPage.bulk");
  const invites = useTranslations("invitesPage.bulk");
  return (messages === "invitesPage.bulk" ? invites : users) as unknown as (key: string, values?: Record<string, string | number>) => string;
}

export function BulkSelection({
  users,
  allowed,
  run,
  messages = "usersPage.bulk",
  confirmFields,
  onDone,
  children,
}: {
  /** The page's rows: id and the label shown in results. */
  users: Array<{ id: string; label: string }>;
  /** The actions the viewer's permissions allow, in the bar's order ("delete" is shown as dangerous). */
  allowed: readonly Action[];
  /** `fields`: what was entered in the confirmation's own fields (confirmFields), if it has any. */
  run: (action: string, ids: string[], fields?: FormData) => Promise<BulkOutcome>;
  /** An action's own fields in its confirmation (invites' regenerate: the expiry), given their errors. */
  confirmFields?: (action: Action, errors: Record<string, string[]>) => React.ReactNode;
  /** The message namespace holding this list's texts (same keys as usersPage.bulk). */
  messages?: BulkMessages;
  /** Called with a successful outcome (e.g. to show regenerated links). */
  onDone?: (action: Action, outcome: Extract<BulkOutcome, { status: "success" }>) => void;
  children: React.ReactNode;
}) {
  const router = useRouter();
  const notify = useToast();
  const t = useBulkTranslations(messages);
  const common = useTranslations("common");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [asking, setAsking] = useState<Action | null>(null);
  const [failures, setFailures] = useState<Array<{ label: string; message: string }>>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  // The confirmation's run got no answer: why, in the person's language.
  const [unansweredRun, setUnansweredRun] = useState<string | null>(null);
  const unanswered = useUnansweredMessage();
  const confirmation = useRef<HTMLFormElement>(null);
  // A refused field of the confirmation (the server says why, noValidate) gets the focus.
  useEffect(() => {
    if (Object.keys(fieldErrors).length > 0) focusFirstInvalid(confirmation.current);
  }, [fieldErrors]);
  const [pending, startTransition] = useTransition();
  const pageIds = useMemo(() => users.map((u) => u.id), [users]);
  const labels = useMemo(() => new Map(users.map((u) => [u.id, u.label])), [users]);
  // Only ids still on the page count (a user deleted elsewhere drops out after a refresh).
  const chosen = pageIds.filter((id) => selected.has(id));

  const selection: Selection = {
    selected,
    pageIds,
    t,
    toggle: (id, on) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    toggleAll: (on) => setSelected(on ? new Set(pageIds) : new Set()),
  };

  function ask(action: Action | null) {
    setFieldErrors({});
    setUnansweredRun(null);
    setAsking(action);
  }

  function confirm(action: Action, fields: FormData | undefined) {
    setUnansweredRun(null);
    startTransition(async () => {
      let outcome: BulkOutcome;
      try {
        outcome = await run(action, chosen, fields);
      } catch (thrown) {
        setUnansweredRun(unanswered(thrown));
        return;
      }
      if (outcome.status === "error" && outcome.fieldErrors) {
        // The confirmation stays open, with what was typed and the field's error.
        setFieldErrors(outcome.fieldErrors);
        return;
      }
      setAsking(null);
      if (outcome.status === "error") {
        notify("error", outcome.message);
        return;
      }
      const notDone = outcome.failures.map((f) => ({ label: labels.get(f.id) ?? f.id, message: f.message }));
      setFailures(notDone);
      setSelected(new Set(outcome.failures.map((f) => f.id)));
      const summary = t(`done.${action}`, { count: outcome.done.length });
      if (notDone.length === 0) notify("success", summary);
      else notify("error", t("partly", { summary, count: notDone.length }));
      onDone?.(action, outcome);
      router.refresh();
    });
  }

  return (
    <SelectionContext.Provider value={selection}>
      <div role="region" aria-label={t("region")} className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <span aria-live="polite">{chosen.length === 0 ? t("hint") : t("selected", { count: chosen.length })}</span>
        {allowed.map((action) => (
          <Button
            key={action}
            variant={action === "delete" ? "danger" : "secondary"}
            disabled={chosen.length === 0}
            onClick={() => ask(action)}
          >
            {t(`selectedButton.${action}`)}
          </Button>
        ))}
      </div>
      {failures.length > 0 && (
        <div className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <h2 className="font-semibold">{t("notChanged")}</h2>
          <ul aria-label={t("notChanged")} className="mt-1 list-disc pl-5">
            {failures.map((f) => (
              <li key={f.label + f.message}>
                {f.label}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {children}
      <Dialog
        open={asking !== null}
        onClose={() => ask(null)}
        title={asking ? t(`confirmTitle.${asking}`, { count: chosen.length }) : ""}
      >
        {asking && (
          <form
            ref={confirmation}
            className="space-y-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              confirm(asking, confirmFields ? new FormData(e.currentTarget) : undefined);
            }}
          >
            <p className="text-sm text-slate-700">
              {t(`confirmBody.${asking}`)} {t("perRow")}
            </p>
            {unansweredRun && <Alert tone="error">{unansweredRun}</Alert>}
            {confirmFields?.(asking, fieldErrors)}
            <div className={ACTIONS_ROW}>
              <Button variant="secondary" onClick={() => ask(null)}>
                {common("cancel")}
              </Button>
              <Button type="submit" variant={asking === "delete" ? "danger" : "primary"} disabled={pending}>
                {pending ? common("working") : t(`confirmButton.${asking}`, { count: chosen.length })}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </SelectionContext.Provider>
  );
}

/** The checkbox that selects every row on this page (or none). */
export function SelectPageCheckbox() {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  const { t } = selection;
  const count = selection.pageIds.filter((id) => selection.selected.has(id)).length;
  const all = count > 0 && count === selection.pageIds.length;
  return (
    <input
      type="checkbox"
      aria-label={t("selectPage")}
      className="relative z-[1] h-4 w-4"
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = count > 0 && !all;
      }}
      onChange={(e) => selection.toggleAll(e.target.checked)}
    />
  );
}

export function SelectUserCheckbox({ id, label }: { id: string; label: string }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  const { t } = selection;
  return (
    <input
      type="checkbox"
      aria-label={t("selectOne", { name: label })}
      // Above the row's link, which covers the row (a[data-row-link], app/globals.css).
      className="relative z-[1] h-4 w-4"
      checked={selection.selected.has(id)}
      onChange={(e) => selection.toggle(id, e.target.checked)}
    />
  );
}
