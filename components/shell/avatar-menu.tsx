"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { signOutAction } from "@/app/(dashboard)/actions";
import { ChangePasswordDialog } from "./change-password-dialog";

function initials(label: string): string {
  const parts = label.split(/[\s@.]+/).filter(Boolean);
  return (parts[0]?.[0] ?? "?").toUpperCase() + (parts[1]?.[0] ?? "").toUpperCase();
}

/** The signed-in person's menu: who they are, Profile (their tokens), Change Password (local users only), Sign out. */
export function AvatarMenu({ name, email, canChangePassword }: { name: string; email: string; canChangePassword: boolean }) {
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const label = name || email;

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !menuRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div ref={menuRef} className="relative">
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-2 rounded-full p-1 pr-3 text-sm font-medium text-slate-700 hover:bg-slate-100"
      >
        <span aria-hidden className="flex h-8 w-8 items-center justify-center rounded-full bg-indigo-600 text-xs font-bold text-white">
          {initials(label)}
        </span>
        {label}
      </button>
      {open && (
        <div className="absolute right-0 z-10 mt-2 w-64 rounded-md bg-white py-2 shadow-lg ring-1 ring-slate-200">
          <div className="border-b border-slate-100 px-4 pb-2">
            <p className="truncate text-sm font-semibold text-slate-900">{name || "—"}</p>
            <p className="truncate text-sm text-slate-500">{email}</p>
          </div>
          <ul className="pt-1">
            <li>
              <Link
                href="/profile"
                className="block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-50"
                onClick={() => setOpen(false)}
              >
                Profile
              </Link>
            </li>
            {canChangePassword && (
              <li>
                <button
                  type="button"
                  className="block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-50"
                  onClick={() => {
                    setOpen(false);
                    setChangingPassword(true);
                  }}
                >
                  Change Password
                </button>
              </li>
            )}
            <li>
              <form action={signOutAction}>
                <button type="submit" className="block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-50">
                  Sign out
                </button>
              </form>
            </li>
          </ul>
        </div>
      )}
      {canChangePassword && <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />}
    </div>
  );
}
