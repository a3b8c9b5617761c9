import type { ComponentProps } from "react";

/*
 * Disabled danger is a muted grey button with faded red text (as GitHub's
 * Primer does), not a paler red: in the dark theme any red fill reads as
 * strong and active. The text keeps about 3.3:1 in both themes, legible but
 * clearly not ready (WCAG exempts disabled controls from 4.5:1). Hover does
 * nothing while disabled.
 */
const variants = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:outline-indigo-600 disabled:bg-indigo-400",
  secondary: "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400",
  danger:
    "bg-red-600 text-white enabled:hover:bg-red-500 focus-visible:outline-red-600 disabled:bg-slate-100 disabled:text-red-700/60 disabled:shadow-none disabled:ring-1 disabled:ring-inset disabled:ring-slate-200",
  ghost: "text-slate-700 hover:bg-slate-100",
} as const;

export type ButtonVariant = keyof typeof variants;

export function buttonClasses(variant: ButtonVariant = "primary", extra = "") {
  return `inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed ${variants[variant]} ${extra}`;
}

export function Button({
  variant = "primary",
  className = "",
  type = "button",
  ...props
}: ComponentProps<"button"> & { variant?: ButtonVariant }) {
  return <button type={type} className={buttonClasses(variant, className)} {...props} />;
}
