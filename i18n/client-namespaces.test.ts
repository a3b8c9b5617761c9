/**
 * The browser gets only the message namespaces listed in
 * i18n/client-namespaces.ts. This test derives from the source what each
 * provider's list must hold: it finds the layouts that place a provider, and
 * from every route file under one (and under no nested one) it follows
 * imports and, from the first "use client" module on, collects the
 * namespaces passed to useTranslations. A list that misses one fails (that
 * text would show as a raw key in the browser), naming the module that reads
 * it; so does a list holding one no browser code reads, and a section's list
 * repeating one the provider around it already sends.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import de from "../messages/de.json";
import en from "../messages/en.json";
import { clientReach, moduleFacts, moduleGraph, routeFiles } from "./client-module-graph";
import { AREA_WITHIN, CLIENT_NAMESPACES, clientMessages, clientMessagesJson, mergeMessages, pickMessages, type ClientMessagesArea } from "./client-namespaces";

const root = path.resolve(__dirname, "..");
const graph = moduleGraph(root);

/** Each provider: the layout that places it, its folder, and the area of the provider around it. */
type Placement = { area: string; layout: string; dir: string; parent: string | null };
const PLACES = /<ClientMessages area="([^"]+)">/g;
const placements: Placement[] = routeFiles(root, "app")
  .filter((file) => path.basename(file) === "layout.tsx")
  .flatMap((layout) => [...fs.readFileSync(path.join(root, layout), "utf8").matchAll(PLACES)].map((m) => ({ area: m[1], layout, dir: path.dirname(layout), parent: null })));
const inside = (file: string, dir: string) => file.startsWith(`${dir}${path.sep}`);
/** The provider nearest around a file (its own folder's included). */
const nearest = (file: string) => placements.filter((p) => inside(file, p.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
for (const p of placements) p.parent = placements.filter((q) => q !== p && inside(p.layout, q.dir)).sort((a, b) => b.dir.length - a.dir.length)[0]?.area ?? null;
/** The route files each provider covers: those whose nearest provider it is. */
const routesOf = (area: string) => routeFiles(root, "app").filter((f) => !inside(f, path.join("app", "api")) && nearest(f)?.area === area);
/** The namespaces a provider's components also get from the providers it merges into. */
const inherited = (area: ClientMessagesArea): string[] => {
  const parent = AREA_WITHIN[area];
  return parent ? [...CLIENT_NAMESPACES[parent], ...inherited(parent)] : [];
};
// The merging provider reads the outer messages to merge them, not to translate: not a namespace read.
const notScanned = (file: string) => file === path.join("i18n", "merged-messages.tsx");

/** The namespaces to send: those read, less any under another one read whole. */
function minimal(namespaces: Iterable<string>): string[] {
  const all = [...new Set(namespaces)];
  return all.filter((n) => !all.some((other) => other !== n && n.startsWith(`${other}.`))).sort();
}

const lookup = (catalog: object, namespace: string) =>
  namespace.split(".").reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), catalog);

describe("message namespaces sent to the browser", () => {
  it("every page, layout and boundary of app/ is under a provider, and every area is placed once", () => {
    expect(routeFiles(root, "app").filter((f) => !inside(f, path.join("app", "api")) && !nearest(f))).toEqual([]);
    expect(placements.map((p) => p.area).sort()).toEqual(Object.keys(CLIENT_NAMESPACES).sort());
  });

  it("a section's provider sits in the provider it merges into; the others replace their parent's", () => {
    for (const p of placements) {
      const within = AREA_WITHIN[p.area as ClientMessagesArea];
      if (within) expect(p.parent, `${p.layout} places "${p.area}", declared within "${within}"`).toBe(within);
      else expect(["root", "dashboard"], `${p.layout} places "${p.area}": a replacing provider`).toContain(p.area);
    }
  });

  for (const area of Object.keys(CLIENT_NAMESPACES) as ClientMessagesArea[]) {
    it(`the "${area}" list holds exactly the namespaces its browser code reads${AREA_WITHIN[area] ? ` beyond "${AREA_WITHIN[area]}"'s` : ""}`, () => {
      const routes = routesOf(area);
      expect(routes.length, `route files under the "${area}" provider`).toBeGreaterThan(0);
      const reach = clientReach(graph, routes, notScanned);
      expect(reach.unknowable, "useTranslations needs a string literal namespace here (the test can't tell what it reads)").toEqual([]);
      const around = inherited(area);
      const coveredBy = (list: readonly string[]) => (ns: string) => list.some((l) => ns === l || ns.startsWith(`${l}.`));
      const listed: readonly string[] = CLIENT_NAMESPACES[area];
      const covered = coveredBy([...listed, ...around]);
      const missing = [...reach.namespaces].filter(([ns]) => !covered(ns)).map(([ns, files]) => `${ns} (read by ${files.join(", ")})`);
      expect(missing, `add to CLIENT_NAMESPACES.${area} in i18n/client-namespaces.ts`).toEqual([]);
      const needed = minimal([...reach.namespaces.keys()].filter((ns) => !coveredBy(around)(ns)));
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
    const reach = clientReach(graph, ["app/(dashboard)/team/users/(list)/page.tsx"], notScanned);
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

  it("sends a section a German catalog of the same shape as the English one, and the users list far less than the whole", () => {
    const english = clientMessages(en, "users");
    const german = clientMessages(de, "users");
    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
    expect((german.usersPage as Record<string, unknown>).bulk).toEqual(de.usersPage.bulk);
    expect(clientMessages(de, "users")).toBe(german);
    // The users list's HTML carries the shell's catalog and the list's own, not every page's.
    const sent = JSON.stringify(clientMessages(en, "dashboard")).length + JSON.stringify(english).length;
    expect(sent).toBeLessThan(JSON.stringify(en).length * 0.4);
    expect(english).not.toHaveProperty("serverMessages");
    expect(english).not.toHaveProperty("profilePage");
  });

});

describe("clientMessagesJson", () => {
  it("is the area's messages as JSON, made once per catalog and area", () => {
    const json = clientMessagesJson(de, "login");
    expect(JSON.parse(json)).toEqual(clientMessages(de, "login"));
    expect(clientMessagesJson(de, "login")).toBe(json);
    expect(JSON.parse(clientMessagesJson(en, "login"))).toEqual(clientMessages(en, "login"));
  });

  it("sends the sign-in page its own texts only, not the other public pages'", () => {
    const login = clientMessages(en, "login");
    expect(login).toHaveProperty("signIn");
    for (const other of ["usersPage", "setup", "serverMessages", "changePassword", "forgotPassword"]) expect(login).not.toHaveProperty(other);
    expect(login).not.toHaveProperty("publicPages.invite");
    expect(clientMessagesJson(en, "login").length).toBeLessThan(6_000);
  });
});

describe("mergeMessages", () => {
  it("lays a section's messages over the shell's, merging shared parents, without changing either", () => {
    const outer = { nav: { users: "Users" }, profilePage: { name: { title: "Name" } } };
    const inner = { profilePage: { email: { title: "Email" } }, team: { role: "Role" } };
    expect(mergeMessages(outer, inner)).toEqual({ nav: { users: "Users" }, profilePage: { name: { title: "Name" }, email: { title: "Email" } }, team: { role: "Role" } });
    expect(outer).toEqual({ nav: { users: "Users" }, profilePage: { name: { title: "Name" } } });
    expect(inner).toEqual({ profilePage: { email: { title: "Email" } }, team: { role: "Role" } });
  });
});
