/**
 * The role editor and the token scope picker word each permission, module and
 * built-in role through the catalog, keyed by the permission's own name
 * (`users:read` → rolesPage.permissions.users.read) and the role's id
 * (team.roles.<id>). A permission added to lib/auth/permissions.ts without its
 * words would show English (the catalogue's description) to a German reader.
 */
import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, BUILT_IN_ROLES } from "@/lib/auth/permissions";
import de from "../messages/de.json";
import en from "../messages/en.json";

type Tree = { [key: string]: string | Tree };

function at(tree: Tree, path: string[]): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const key of path) node = typeof node === "object" ? node[key] : undefined;
  return typeof node === "string" ? node : undefined;
}

describe.each([["en", en as unknown as Tree], ["de", de as unknown as Tree]])("%s catalog", (_, messages) => {
  it("words every permission of the catalogue and every module", () => {
    const missing = ALL_PERMISSIONS.flatMap((p) => {
      const [module, operation] = p.split(":");
      return [
        at(messages, ["rolesPage", "permissions", module, operation]) ? [] : [p],
        at(messages, ["rolesPage", "modules", module]) ? [] : [`module ${module}`],
      ].flat();
    });
    expect([...new Set(missing)]).toEqual([]);
  });

  it("names and describes every built-in role", () => {
    const missing = Object.keys(BUILT_IN_ROLES).filter(
      (id) => !at(messages, ["team", "roles", id, "name"]) || !at(messages, ["team", "roles", id, "description"]),
    );
    expect(missing).toEqual([]);
  });
});
