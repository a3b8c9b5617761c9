/**
 * The colour theme a person chose: "light", "dark" or "system" (follow the
 * operating system). Kept in a cookie, not in the database, so the server can
 * render <html> with the right class before any script runs (no flash, and
 * nothing inline for the nonce CSP to allow), on public pages too.
 */
export const THEME_COOKIE = "theme";
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export function parseTheme(value: string | undefined): Theme {
  return THEMES.find((t) => t === value) ?? "system";
}

/** The class <html> carries: none for "system" (globals.css follows prefers-color-scheme then). */
export function themeClass(theme: Theme): string | undefined {
  return theme === "system" ? undefined : theme;
}
