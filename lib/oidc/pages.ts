/**
 * The few pages the provider itself renders (entering a device code,
 * confirming it, the end of a device sign-in, signing out of apps, errors),
 * in Latchkey's look: one small shell, light and dark by the system's
 * preference, readable at 360 px, every control labelled.
 * The provider hands in its own forms (with their CSRF field); we wrap them.
 */
import "server-only";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f8fafc;--card:#fff;--fg:#0f172a;--muted:#475569;--border:#cbd5e1;--accent:#4f46e5;--accent-fg:#fff;--danger:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#020617;--card:#0f172a;--fg:#f1f5f9;--muted:#cbd5e1;--border:#334155;--accent:#818cf8;--accent-fg:#020617;--danger:#fca5a5}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:48px 16px}
main{width:100%;max-width:420px;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:24px}
h1{font-size:1.4rem;margin:0 0 8px}p{margin:0 0 16px;color:var(--muted)}strong{color:var(--fg)}
label{display:block;font-weight:600;margin-bottom:6px}
input[type=text]{width:100%;font-size:1.25rem;letter-spacing:.1em;text-transform:uppercase;text-align:center;padding:10px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg);margin-bottom:16px}
button{width:100%;font:inherit;font-weight:600;padding:10px 12px;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;margin-bottom:8px}
button.secondary{background:transparent;color:var(--fg);border-color:var(--border)}
.code{font:600 1.6rem/1.2 ui-monospace,monospace;letter-spacing:.15em;text-align:center;margin:8px 0 16px;color:var(--fg)}
[role=alert]{color:var(--danger);font-weight:600}
`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · Latchkey</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}
