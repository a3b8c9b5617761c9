"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";

type Option = { value: string; label: string };

// max-w: a role or group name can make an option long; the select stays on a phone's screen (its open list shows the whole name).
const selectClass =
  "max-w-[60vw] sm:max-w-xs rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

/**
 * Search and filters kept in the URL, so a view can be shared and the back
 * button works. Works as a plain GET form without JavaScript too.
 */
export function UsersToolbar({
  roles,
  statuses,
  groups,
  mfa,
  searchLabel,
  placeholder,
}: {
  roles: Option[];
  statuses: Option[];
  groups: Option[];
  searchLabel?: string;
  placeholder?: string;
  /** two-factor: the 2FA filter (on/off). */
  mfa?: Option[];
}) {
  const router = useRouter();
  const t = useTranslations("toolbar");
  const pathname = usePathname();
  const params = useSearchParams();
  const [search, setSearch] = useState(params.get("search") ?? "");

  /** Filter changes add a history entry (Back undoes them); refining a search in progress replaces it. */
  function navigate(changes: Record<string, string>, mode: "push" | "replace" = "push") {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("page"); // a new search or filter starts at the first page
    const query = next.toString();
    const href = query ? `${pathname}?${query}` : pathname;
    if (mode === "push") router.push(href);
    else router.replace(href);
  }

  // Back/forward change the URL under us: show the search the URL now holds. URL changes we
  // made ourselves are skipped, so a navigation landing mid-typing doesn't undo keystrokes.
  const urlSearch = params.get("search") ?? "";
  const lastSent = useRef(urlSearch);
  useEffect(() => {
    if (urlSearch !== lastSent.current) {
      lastSent.current = urlSearch;
      setSearch(urlSearch);
    }
  }, [urlSearch]);

  useEffect(() => {
    const term = search.trim();
    if (term === lastSent.current) return;
    const timer = setTimeout(() => {
      const mode = lastSent.current && term ? "replace" : "push";
      lastSent.current = term;
      navigate({ search: term }, mode);
    }, 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const select = (name: string, label: string, options: Option[]) => (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <span>{label}</span>
      <select
        name={name}
        className={selectClass}
        value={params.get(name) ?? ""}
        onChange={(e) => navigate({ [name]: e.target.value })}
      >
        <option value="">{t("all")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <form
      role="search"
      className="mb-4 flex flex-wrap items-center gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        navigate({ search: search.trim() });
      }}
    >
      <label className="sr-only" htmlFor="users-search">
        {searchLabel ?? t("searchUsers")}
      </label>
      <input
        id="users-search"
        name="search"
        type="search"
        placeholder={placeholder ?? t("searchPlaceholder")}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        className="w-72 rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      {select("status", t("status"), statuses)}
      {select("role", t("role"), roles)}
      {groups.length > 0 && select("group", t("group"), groups)}
      {mfa && select("mfa", t("twoFactor"), mfa)}
    </form>
  );
}
