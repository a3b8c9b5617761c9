/**
 * Where to send a person after a step (a `callbackUrl`, a form's return path): only a path on this
 * site, else "/". Browsers read a URL forgivingly (they drop tabs and newlines and turn "\" into "/"),
 * so "/\t/evil.example" is "//evil.example", another site. The value is read as a browser would, against
 * a placeholder origin, and kept only if it stays on that origin; what is returned is the parsed path,
 * so the browser gets exactly what was checked. That parsed path is checked once more: dot segments
 * collapse ("/..//evil.example", "/%2e%2e//evil.example" and "/a/..//evil.example" all parse to the path
 * "//evil.example"), and a path that starts with two slashes (or a slash and a backslash) is read by the
 * browser as another host, so it is never returned.
 */
const HERE = "http://latchkey.invalid";

export function localPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return "/";
  }
  if (url.origin !== HERE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return /^\/[/\\]/.test(path) ? "/" : path;
}
