/**
 * Every piece of UI text goes through the message catalog (messages/*.json).
 * This test reads every component and page and lists the text written into
 * the markup itself: JSX text, and string attributes that people read (label,
 * placeholder, title, alt, aria-label, description…). Files that still hold
 * such text are named in HARDCODED_TEXT_ALLOWED below; moving a file's text into the
 * catalog means deleting its line there, and the test fails when a listed
 * file is clean (so the list only shrinks) or an unlisted file has text.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { HARDCODED_TEXT_ALLOWED } from "./hardcoded-text-allowed";

const root = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["app", "components"];
/** Attributes whose string value a person reads. */
const READ_ATTRIBUTE = /^(label|placeholder|title|alt|aria-label|aria-description|description|hint|heading|[a-z]+(Label|Text|Title|Message|Description|Hint|Heading))$/;
/** Names that stay the same in every language. */
const UNTRANSLATED = new Set(["Latchkey", "OIDC", "OpenID", "LDAP", "SMTP", "TOTP", "URL", "URI", "API", "CSV", "JSON", "ID", "IdP", "SSO", "PKCE", "JWKS"]);

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (rel.endsWith(".tsx") && !/\.test\.tsx$/.test(rel)) out.push(rel);
    }
  };
  SOURCE_DIRS.forEach(walk);
  return out.sort();
}

/** True when a string holds words a person reads (not only symbols, numbers, codes such as ES256, or untranslated names). */
function isReadable(text: string): boolean {
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => /\p{L}{2,}/u.test(word) && !/\p{N}/u.test(word));
  return words.some((word) => !UNTRANSLATED.has(word));
}

/** The hard-coded texts in one file, as "line: text". */
export function hardcodedTexts(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const note = (node: ts.Node, text: string) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push(`${line}: ${text.trim().replace(/\s+/g, " ")}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && isReadable(node.text)) note(node, node.text);
    if (ts.isJsxAttribute(node) && READ_ATTRIBUTE.test(node.name.getText(source)) && node.initializer) {
      const value = node.initializer;
      const literal = ts.isStringLiteral(value)
        ? value
        : ts.isJsxExpression(value) && value.expression && (ts.isStringLiteral(value.expression) || ts.isNoSubstitutionTemplateLiteral(value.expression))
          ? value.expression
          : undefined;
      if (literal && isReadable(literal.text)) note(node, literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("UI text goes through the message catalog", () => {
  const files = sourceFiles();
  const allowed = new Set(HARDCODED_TEXT_ALLOWED);

  it("no file outside the list has hard-coded text", () => {
    const offenders = Object.fromEntries(
      files.filter((file) => !allowed.has(file)).map((file) => [file, hardcodedTexts(file)]).filter(([, texts]) => texts.length > 0),
    );
    expect(offenders).toEqual({});
  });

  it("every listed file still exists and still has hard-coded text (delete its line once it is clean)", () => {
    const clean = HARDCODED_TEXT_ALLOWED.filter((file) => !fs.existsSync(path.join(root, file)) || hardcodedTexts(file).length === 0);
    expect(clean).toEqual([]);
  });

  it("the check finds text, so it can fail", () => {
    const probe = path.join("i18n", "__probe__.tsx");
    fs.writeFileSync(path.join(root, probe), 'export const A = () => <p title="Hello there">Save changes</p>;\n');
    try {
      expect(hardcodedTexts(probe)).toEqual(['1: Hello there', '1: Save changes']);
    } finally {
      fs.unlinkSync(path.join(root, probe));
    }
  });
});
