/**
 * The browser gets only the message namespaces listed in
 * i18n/client-namespaces.ts. This test derives from the source what each
 * provider's list must hold: from every route file under the provider's
 * layout, it follows imports, and from the first "use client" module on,
 * collects the namespaces passed to useTranslations. A list that misses one
 * fails (that text would show as a raw key in the browser), naming the
 * module that reads it; so does a list holding one no browser code reads.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import de from "../messages/de.json";
import en from "../messages/en.json";
import { clientReach, moduleFacts, moduleGraph, routeFiles } from "./client-module-graph";
import { CLIENT_NAMESPACES, clientMessages, pickMessages, type ClientMessagesArea } from "./client-namespaces";

const root = path.resolve(__dirname, "..");
const graph = moduleGraph(root);

/** Each provider: the layout that places it and the route files rendered under it (and under no nested provider). */
const AREAS: Record<ClientMessagesArea, { layout: string; routes: string[] }> = {
  root: { layout: "app/layout.tsx", routes: routeFiles(root, "app", false) },
  public: { layout: "app/(public)/layout.tsx", routes: routeFiles(root, "app/(public)") },
  dashboard: { layout: "app/(dashboard)/layout.tsx", routes: routeFiles(root, "app/(dashboard)") },
};

/** The namespaces to send: those read, less any under another one read whole. */
function minimal(namespaces: Iterable<string>): string[] {
  const all = [...new Set(namespaces)];
  return all.filter((n) => !all.some((other) => other !== n && n.startsWith(`${other}.`))).sort();
}

const lookup = (catalog: object, namespace: string) =>
  namespace.split(".").reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), catalog);

describe("message namespaces sent to the browser", () => {
  it("every page, layout and boundary of app/ is under one provider", () => {
    const placed = Object.values(AREAS).flatMap((a) => a.routes);
    expect(new Set(placed).size).toBe(placed.length);
    expect(routeFiles(root, "app").filter((f) => !f.startsWith(`app${path.sep}api${path.sep}`) && !placed.includes(f))).toEqual([]);
  });

  for (const [area, { layout, routes }] of Object.entries(AREAS) as Array<[ClientMessagesArea, (typeof AREAS)[ClientMessagesArea]]>) {
    it(`${layout} places the "${area}" provider`, () => {
      expect(fs.readFileSync(path.join(root, layout), "utf8")).toContain(`<ClientMessages area="${area}">`);
    });

    it(`the "${area}" list holds exactly the namespaces its browser code reads`, () => {
      const reach = clientReach(graph, routes);
      expect(reach.unknowable, "useTranslations needs a string literal namespace here (the test can't tell what it reads)").toEqual([]);
      const needed = minimal(reach.namespaces.keys());
      const listed: readonly string[] = CLIENT_NAMESPACES[area];
      const covered = (ns: string) => listed.some((l) => ns === l || ns.startsWith(`${l}.`));
      const missing = [...reach.namespaces].filter(([ns]) => !covered(ns)).map(([ns, files]) => `${ns} (read by ${files.join(", ")})`);
      expect(missing, `add to CLIENT_NAMESPACES.${area} in i18n/client-namespaces.ts`).toEqual([]);
      expect([...listed].sort(), `CLIENT_NAMESPACES.${area} should be exactly these`).toEqual(needed);
    });
  }

  it("every listed namespace is in both catalogs", () => {
    for (const namespace of Object.values(CLIENT_NAMESPACES).flat()) {
      expect(lookup(en, namespace), `${namespace} in en.json`).toBeTypeOf("object");
      expect(lookup(de, namespace), `${namespace} in de.json`).toBeTypeOf("object");
    }
  });

  it("the scan sees a client module's namespaces, through a translator helper and a plain import", () => {
    // bulk-selection reads both lists' texts; identity-fields has no directive and is browser code only as the add dialog's import.
    expect(moduleFacts(root, "components/users/bulk-selection.tsx")).toMatchObject({ client: true });
    expect(moduleFacts(root, "components/users/bulk-selection.tsx").namespaces).toEqual(expect.arrayContaining(["usersPage.bulk", "invitesPage.bulk", "common"]));
    const reach = clientReach(graph, ["app/(dashboard)/team/users/(list)/page.tsx"]);
    expect(reach.modules.has("components/users/identity-fields.tsx")).toBe(true);
    // A server component's own translations stay on the server.
    expect(reach.modules.has("components/users/users-table.tsx")).toBe(false);
    expect(reach.modules.has("app/(dashboard)/team/users/(list)/page.tsx")).toBe(false);
  });
});

describe("the scan", () => {
  it("counts browser code only, follows plain and aliased imports, and flags what it can't read", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-namespaces-"));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    try {
      write("app/page.tsx", `import { Dialog } from "@/components/dialog";\nimport { Table } from "../components/table";\nexport default function Page() { return <Table><Dialog /></Table>; }\n`);
      write("components/dialog.tsx", `"use client";\nimport { useTranslations as useT } from "next-intl";\nimport type { Row } from "./row";\nimport { Field } from "./field";\nexport function Dialog() { const t = useT("alpha.form"); return <Field />; }\n`);
      write("components/field.tsx", `import { useTranslations } from "next-intl";\nexport function Field() { return useTranslations("beta")("x"); }\n`);
      write("components/row.tsx", `"use client";\nimport { useTranslations } from "next-intl";\nexport type Row = string;\nexport function R() { return useTranslations("typeOnly")("x"); }\n`);
      write("components/table.tsx", `import { useTranslations } from "next-intl";\nimport { Picker } from "./picker";\nexport function Table() { const t = useTranslations("gamma"); return <Picker />; }\n`);
      write("components/picker.tsx", `"use client";\nimport { useTranslations } from "next-intl";\nexport function Picker({ ns }: { ns: "a" | "b" }) { return useTranslations(ns)("x"); }\n`);
      const reach = clientReach(moduleGraph(dir), ["app/page.tsx"]);
      expect([...reach.namespaces.keys()].sort()).toEqual(["alpha.form", "beta"]);
      expect(reach.namespaces.get("beta")).toEqual(["components/field.tsx"]);
      expect(reach.unknowable).toEqual(["components/picker.tsx:3: useTranslations(ns)"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pickMessages", () => {
  it("keeps the listed namespaces, nested paths included, and nothing else", () => {
    const messages = { a: { x: "1", y: { z: "2" } }, b: { c: { d: "3" }, e: "4" }, f: { g: "5" } };
    expect(pickMessages(messages, ["a", "b.c"])).toEqual({ a: { x: "1", y: { z: "2" } }, b: { c: { d: "3" } } });
    expect(pickMessages(messages, ["b.c", "b.e", "missing.path"])).toEqual({ b: { c: { d: "3" }, e: "4" } });
  });

  it("sends the dashboard a German catalog of the same shape as the English one, smaller than the whole", () => {
    const english = clientMessages(en, "dashboard");
    const german = clientMessages(de, "dashboard");
    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
    expect((german.usersPage as Record<string, unknown>).bulk).toEqual(de.usersPage.bulk);
    expect(clientMessages(de, "dashboard")).toBe(german);
    expect(JSON.stringify(english).length).toBeLessThan(JSON.stringify(en).length * 0.8);
  });
});
