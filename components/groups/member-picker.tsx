"use client";
/**
 * Adding people to a group from its page: type part of a name, email or role
 * (the Users search, through the encrypted index), then "Add" beside the
 * person. Results come a moment after typing stops; people already in the
 * group say so instead of offering Add. After an Add the focus is back in
 * the search (the button it was on is gone), ready for the next person.
 * A search or an Add that got no answer (a proxy's 429, a dropped connection)
 * says so in place (lib/forms/unanswered-submission.ts); the term stays.
 */
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { findPeopleAction, setGroupMemberAction, type PersonOption } from "@/app/(dashboard)/team/groups/actions";
import { Button } from "@/components/ui/button";
import { focusIfLost } from "@/components/ui/focus";
import { useToast } from "@/components/ui/toast";
import { useTranslations } from "next-intl";
import { cardClasses } from "@/components/ui/card";
import { useTypedBeforeHydration } from "@/components/ui/typed-before-hydration";
import { useUnansweredMessage } from "@/components/ui/unanswered-message";
import type { FormState } from "@/lib/forms/form-state";

export function MemberPicker({ groupId, groupName }: { groupId: string; groupName: string }) {
  const router = useRouter();
  const notify = useToast();
  const t = useTranslations("groupsPage.picker");
  const inputId = useId();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<PersonOption[] | null>(null);
  // Why the last search has no results to show (it got no answer), in the person's language.
  const [searchProblem, setSearchProblem] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [, startTransition] = useTransition();
  const latest = useRef(0);
  const search = useRef<HTMLInputElement>(null);
  const unanswered = useUnansweredMessage();
  // A name typed before the page hydrated is searched for, not wiped by the first render.
  useTypedBeforeHydration(search, setQuery);

  useEffect(() => {
    const term = query.trim();
    const ticket = ++latest.current;
    if (term === "") {
      setResults(null);
      setSearchProblem(null);
      return;
    }
    const timer = setTimeout(async () => {
      let found: PersonOption[] | null = null;
      let problem: string | null = null;
      try {
        found = await findPeopleAction(groupId, term);
      } catch (thrown) {
        problem = unanswered(thrown);
      }
      // An older search answering late must not replace a newer one's results.
      if (ticket !== latest.current) return;
      setResults(found);
      setSearchProblem(problem);
    }, 250);
    return () => clearTimeout(timer);
  }, [query, groupId, unanswered]);

  function add(person: PersonOption) {
    setBusyId(person.id);
    startTransition(async () => {
      let result: FormState;
      try {
        result = await setGroupMemberAction(groupId, person.id, true);
      } catch (thrown) {
        result = { status: "error", message: unanswered(thrown) };
      }
      setBusyId(null);
      notify(result.status === "error" ? "error" : "success", result.status === "error" ? (result.message ?? t("notAdded")) : t("added", { name: person.label, group: groupName }));
      if (result.status !== "error") {
        setResults((list) => list?.map((p) => (p.id === person.id ? { ...p, member: true } : p)) ?? null);
        router.refresh();
      }
      focusIfLost(search.current);
    });
  }

  return (
    <div className={cardClasses({ compact: true, className: "mb-4" })}>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-900">
        {t("label")}
      </label>
      <input
        ref={search}
        id={inputId}
        type="search"
        autoComplete="off"
        placeholder={t("placeholder")}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        className="mt-1 w-full max-w-md rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      {searchProblem !== null && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {searchProblem}
        </p>
      )}
      {results !== null && (
        <div aria-live="polite">
          {results.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">{t("nobody")}</p>
          ) : (
            <ul aria-label={t("found")} className="mt-2 divide-y divide-slate-100">
              {results.map((person) => (
                <li key={person.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    <span className="font-medium text-slate-900">{person.label}</span>
                    {person.email && person.email !== person.label && <span className="ml-2 text-slate-500">{person.email}</span>}
                  </span>
                  {person.member ? (
                    <span className="text-xs text-slate-500">{t("inGroup")}</span>
                  ) : (
                    <Button variant="secondary" disabled={busyId === person.id} onClick={() => add(person)} aria-label={t("addName", { name: person.label })}>
                      {busyId === person.id ? t("adding") : t("add")}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
