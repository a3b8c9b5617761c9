/**
 * @simplewebauthn/server loads when a passkey ceremony needs it (./webauthn-library.ts), not with every page whose
 * code can reach a passkey module: a value import of it anywhere in the app's code (tests aside) would put it back
 * in the server chunk every dashboard page loads (docs/benchmarks.md, round 31). Type imports leave no code.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { webauthnHelpers, webauthnServer } from "./webauthn-library";

const root = path.resolve(__dirname, "..", "..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** Static imports and re-exports of the package that bring code (not `import type` / `export type`). */
const valueImports = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/^(?:import|export)(?! type )[^;]*? from "@simplewebauthn\/server[^"]*";$/gm)].map((m) => m[0]);

describe("the passkey library", () => {
  it("is imported with code by no module of the app: they ask ./webauthn-library.ts when a ceremony runs", () => {
    const importing = ["app", "components", "lib", "i18n"].flatMap(sources).filter((file) => valueImports(file).length > 0);
    expect(importing).toEqual([]);
  });

  it("loads when asked: the ceremonies' functions and the attestation decoder", async () => {
    expect(typeof (await webauthnServer()).verifyAuthenticationResponse).toBe("function");
    expect(typeof (await webauthnServer()).generateRegistrationOptions).toBe("function");
    expect(typeof (await webauthnHelpers()).decodeAttestationObject).toBe("function");
  });
});
