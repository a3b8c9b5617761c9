/**
 * README's API examples, run as written: every ```sh block under "## API" (and its subsections), in order, with
 * curl and bash, against a fresh server (e2e/support/readme-examples.ts says what is read and how placeholders
 * like `<role id>` or `lkp_…` get the values earlier answers gave). Each command must answer 2xx, or the status its
 * README answer names (`# 201 {…}`), and every field the README shows in an answer must be in the real one, so a
 * renamed route, field or status fails here instead of in a reader's terminal. A block with a first-run setup call
 * starts on a fresh instance of its own (the NetBird block sets one up again); the blocks marked
 * `<!-- readme-examples: run -->` in other sections (activity, identity providers, LDAP, proxy header) run last,
 * on the instance and with the `$TOKEN` the API section left.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { solidPng } from "../support/png";
import { readmeApiBlocks, runExample, type Session } from "../support/readme-examples";
import { startServer, type Instance } from "../support/server";

const README = path.resolve(__dirname, "..", "..", "README.md");
const SETUP = /\/api\/(instance\/)?setup\b/;

test("README's API examples answer as the README says, run in order on a fresh instance", async () => {
  test.setTimeout(150_000);
  // The examples are curl commands: without curl this fails with how to get it, never skips.
  expect(fs.existsSync("/usr/bin/curl"), "README's examples need curl. Install it with: apt-get install -y curl (.ci/run does this).").toBe(true);
  const blocks = readmeApiBlocks(README);
  expect(blocks.length).toBeGreaterThan(5);
  // The reader's working directory: the appearance example uploads ./logo.png, the activity export writes a file.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-readme-"));
  fs.writeFileSync(path.join(cwd, "logo.png"), solidPng(32, 32, [20, 90, 200]));
  const servers: Instance[] = [];
  const problems: string[] = [];
  let session: Session = { vars: {}, placeholders: new Map() };
  let ran = 0;
  try {
    for (const block of blocks) {
      if (servers.length === 0 || block.examples.some((e) => SETUP.test(e.command))) {
        servers.push(await startServer());
        session = { vars: {}, placeholders: new Map() };
      }
      const server = servers[servers.length - 1];
      for (const example of block.examples) {
        const outcome = runExample(example, server.baseURL, cwd, session);
        ran++;
        for (const problem of outcome.problems) problems.push(`README.md:${example.line} ${example.command.split("\n")[0]}\n    ${problem}`);
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  }
  expect(problems, `${problems.length} of ${ran} examples differ from the README`).toEqual([]);
  expect(ran).toBeGreaterThan(30);
});
