/**
 * DESIGN.md's layers, held against the imports: lib/ (the rules) never reaches up into the UI or the app, and the
 * app reaches the database only through lib/'s services ("Pages read through services, never db() directly").
 * Type imports are allowed (a page may name a row's type); tests are left out.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** Each module a file imports or re-exports with code (not `import type` / `export type`), as root-relative paths where local. */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/^(?:import|export)(?! type )[^;]*?(?:from )?"([^"]+)";$/gm)].map(([, specifier]) =>
    specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? path.join(path.dirname(file), specifier) : specifier,
  );
}

const importsOf = (dirs: string[], wanted: (specifier: string) => boolean) =>
  dirs.flatMap(sources).flatMap((file) => valueImports(file).filter(wanted).map((specifier) => `${file} -> ${specifier}`));

describe("the layers", () => {
  it("lib/ imports nothing from components/ or app/: a rule needs no UI", () => {
    expect(importsOf(["lib"], (s) => /^(components|app)\//.test(s))).toEqual([]);
  });

  it("app/ opens no database itself (lib/db/database, drizzle-orm): it calls the services, which check the actor", () => {
    expect(importsOf(["app"], (s) => s === "lib/db/database" || s.startsWith("drizzle-orm"))).toEqual([]);
  });
});
