/**
 * Pressing a button on one of the provider's question pages (consent, "Sign in to …", the refusal) as a browser
 * does: the form's action, and its body — the button's `choice` with the form's hidden fields (`shown_to`: whom
 * the page was shown to, lib/oidc/pages.ts). No imports: the unit tests and the e2e specs both use it.
 */
export function questionAnswer(html: string, choice: string): { action: string; body: string } {
  const form = /<form method="post" action="([^"]+)">([^]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no question page: ${html.replace(/<style>[^]*<\/style>/, "").slice(0, 500)}`);
  const fields = new URLSearchParams([...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], unescapeAttribute(m[2])] as [string, string]));
  fields.set("choice", choice);
  return { action: unescapeAttribute(form[1]), body: fields.toString() };
}

function unescapeAttribute(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
