/**
 * For the client-namespaces test (and only for tests/tools: it reads source
 * files): which message namespaces the browser needs under each
 * NextIntlClientProvider. It parses the app's modules with TypeScript, follows
 * their imports from a provider's route files, and, from the first
 * "use client" module on, counts every module reached as browser code: the
 * namespaces those modules pass to useTranslations are the ones the provider
 * must send. Server components' translations never reach the browser.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export type ModuleFacts = {
  /** The module starts with "use client". */
  client: boolean;
  /** The module starts with "use server": the browser gets references to its actions, not its code. */
  server: boolean;
  /** Modules imported with a value import (files in the project, resolved). */
  imports: string[];
  /** The namespaces passed to useTranslations (string literals). */
  namespaces: string[];
  /** Calls the test can't account for: useTranslations() or useMessages(), or a namespace that isn't a string literal. */
  unknowable: string[];
};

const EXTENSIONS = [".tsx", ".ts", "/index.tsx", "/index.ts"];

/** The project file an import specifier names, or null for packages and assets. */
function resolve(root: string, from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(path.join(root, from)), specifier);
  else return null;
  for (const ext of ["", ...EXTENSIONS]) {
    const file = base + ext;
    if (/\.tsx?$/.test(file) && fs.existsSync(file) && fs.statSync(file).isFile()) return path.relative(root, file);
  }
  return null;
}

function directive(source: ts.SourceFile): string | null {
  const first = source.statements[0];
  return first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) ? first.expression.text : null;
}

/** Reads one module's imports, directive and useTranslations namespaces. */
export function moduleFacts(root: string, file: string): ModuleFacts {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const imports = new Set<string>();
  const namespaces = new Set<string>();
  const unknowable: string[] = [];
  // The local names next-intl's hooks go by here (an aliased import counts too).
  const translators = new Set(["useTranslations"]);
  const messageReaders = new Set(["useMessages"]);
  const addImport = (specifier: string) => {
    const resolved = resolve(root, file, specifier);
    if (resolved) imports.add(resolved);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) addImport(node.moduleSpecifier.text);
      if (/^(next-intl|use-intl)(\/|$)/.test(node.moduleSpecifier.text) && clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const element of clause.namedBindings.elements) {
          const imported = (element.propertyName ?? element.name).text;
          if (imported === "useTranslations") translators.add(element.name.text);
          if (imported === "useMessages") messageReaders.add(element.name.text);
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) addImport(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) addImport(node.arguments[0].text);
      if (ts.isIdentifier(callee) && translators.has(callee.text)) {
        const arg = node.arguments[0];
        const where = `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        if (arg && ts.isStringLiteralLike(arg)) namespaces.add(arg.text);
        else unknowable.push(`${where}: useTranslations(${arg ? arg.getText() : ""})`);
      }
      if (ts.isIdentifier(callee) && messageReaders.has(callee.text)) {
        unknowable.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: useMessages()`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const said = directive(source);
  return { client: said === "use client", server: said === "use server", imports: [...imports], namespaces: [...namespaces], unknowable };
}

/** Module facts, read once per file. */
export function moduleGraph(root: string): (file: string) => ModuleFacts {
  const facts = new Map<string, ModuleFacts>();
  return (file) => {
    let known = facts.get(file);
    if (!known) facts.set(file, (known = moduleFacts(root, file)));
    return known;
  };
}

export type ClientReach = {
  /** Browser modules reached, each with the namespaces it reads. */
  modules: Map<string, string[]>;
  /** Namespace → the browser modules that read it. */
  namespaces: Map<string, string[]>;
  unknowable: string[];
};

/**
 * The browser code reached from route files (pages, layouts, boundaries),
 * not crossing into the routes of another provider (`stopAt`).
 */
export function clientReach(graph: (file: string) => ModuleFacts, entries: string[], stopAt: (file: string) => boolean = () => false): ClientReach {
  const modules = new Map<string, string[]>();
  const seen = new Set<string>();
  const unknowable = new Set<string>();
  const walk = (file: string, inClient: boolean) => {
    const facts = graph(file);
    if (facts.server) return;
    const client = inClient || facts.client;
    const key = `${client ? "c" : "s"}:${file}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (client) {
      modules.set(file, facts.namespaces);
      facts.unknowable.forEach((u) => unknowable.add(u));
    }
    for (const next of facts.imports) if (!stopAt(next)) walk(next, client);
  };
  entries.forEach((e) => walk(e, false));
  const namespaces = new Map<string, string[]>();
  for (const [file, list] of modules) for (const ns of list) namespaces.set(ns, [...(namespaces.get(ns) ?? []), file]);
  return { modules, namespaces, unknowable: [...unknowable] };
}

/** Route files under `dir` (relative to root): pages, layouts and their boundaries. */
export function routeFiles(root: string, dir: string, recursive = true): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (recursive) walk(child);
      } else if (/^(page|layout|template|loading|error|not-found|global-error|default)\.tsx$/.test(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}
