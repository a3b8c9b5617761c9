import fs from "node:fs";
import bcrypt from "@node-rs/bcrypt";
import argon2 from "argon2";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { groups } from "@/lib/db/schema";
import { handleOidcSignIn } from "@/lib/idp/oidc";
import { createProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { claimsOf } from "@/lib/oidc/accounts";
import { resolveSession } from "@/lib/sessions/sessions";
import { SignInFailed, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { findUserRowsByIdentifier } from "@/lib/users/records";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { IMPORT_HEADER, importFileWriter, peopleCount as peopleIn, reportText } from "@/test/import-files";
import { runUsersCommand } from "./users-command";

/*
 * r43 (security review 42): a hostile CSV given to `npm run users -- import`, as someone who controls rows of the old
 * provider's export would write it. Held before and still held: an owner role in any spelling, a name with
 * controls or direction marks, a duplicate of an existing person's email by case and spacing, a username that
 * folds onto another's, a group name that folds onto an existing group (it is that group), a field over 16 KiB.
 */
let accountId: string;
let hash: string;
let opsId: string;

beforeAll(async () => {
  accountId = await createAccount();
  await createUser(accountId, { role: "owner", name: "Olive Owner", email: "olive@example.com", username: "olive" });
  opsId = crypto.randomUUID();
  await writeSystem((tx) => tx.insert(groups).values({ id: opsId, accountId, name: "Ops" }));
  hash = bcrypt.hashSync("zq an old passphrase", { cost: 4 });
});

const csv = importFileWriter("import-hostile-");
const HEADER = IMPORT_HEADER;
const out = reportText;
const peopleCount = () => peopleIn(accountId);

/** An argon2 PHC string with its parameters replaced (the hash then checks nothing, which the import doesn't try). */
const withArgon2Params = (phc: string, params: string) => phc.replace(/\$[mtp]=\d+,[mtp]=\d+,[mtp]=\d+\$/, `$${params}$`);

describe("a hostile import file", () => {
  it("never makes an owner, whatever the role's spelling", async () => {
    const roles = ["Owner ", "OWNER", "ｏｗｎｅｒ", "οwner", "owner\u200b", "admin\u0000"];
    const before = await peopleCount();
    const result = await runUsersCommand(["import", csv(HEADER, ...roles.map((r, i) => `zq-r${i}@example.com,R ${i},,${hash},"${r}",`)), "--apply"]);
    expect(result.code).toBe(1);
    for (let i = 0; i < roles.length; i++) expect(out(result)).toContain(`line ${i + 2}: REFUSED zq-r${i}@example.com: role: role must be user or admin`);
    expect(await peopleCount()).toBe(before);
  });

  it("prints no control character of the file to the operator's terminal (an escape sequence would rewrite the report)", async () => {
    const result = await runUsersCommand([
      "import",
      csv(
        HEADER,
        // Clears the screen and sets the terminal's title; then a refusal hidden by a carriage return and a made-up line.
        `"zq-\u001b[2J\u001b]0;pwned\u0007@example.com",Esc,,${hash},,`,
        `zq-g@example.com,G,,${hash},,"Ops\rline 3: would create zq-g@example.com: user"`,
        `zq-u@example.com,U,"zq\u009b31mu",${hash},,`,
      ),
    ]);
    expect(result.code).toBe(1);
    for (const line of result.lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(out(result)).toContain("line 2: REFUSED zq-\\u001b[2J\\u001b]0;pwned\\u0007@example.com: email: Enter a valid email address");
    expect(out(result)).toContain(`line 4: REFUSED zq-g@example.com: groups: no group named "Ops\\u000dline 3: would create zq-g@example.com: user"`);
  });

  it("finds the people and groups already here as the instance compares them", async () => {
    const result = await runUsersCommand([
      "import",
      csv(HEADER, ` OLIVE@Example.COM ,Olive again,,${hash},admin,`, `zq-u@example.com,U,ｏlive,${hash},,`, `zq-f@example.com,F,,${hash},,ＯＰＳ`, `zq-b@example.com,"\uFEFFBom",,${hash},,`),
    ]);
    expect(out(result)).toContain("line 2: skipped OLIVE@Example.COM: already here");
    expect(out(result)).toContain("line 3: REFUSED zq-u@example.com: username: another user of this instance has it");
    expect(out(result)).toContain("line 4: would create zq-f@example.com: user, username zq-f, groups ＯＰＳ");
    expect(out(result)).not.toContain("Groups it would create");
    expect(out(result)).toContain("line 5: would create zq-b@example.com");
  });

  it("refuses hashes whose check would hold a sign-in's hash slot for seconds", async () => {
    // Measured on the two-core host: bcrypt cost 14 0.9 s (Zitadel's default, still taken), 16 4.3 s; argon2 m=256 MiB t=16
    // 4.4 s (Latchkey's own: 28 ms).
    const argon = await argon2.hash("zq slow", { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const costly = [
      bcrypt.hashSync("zq slow", { cost: 4 }).replace(/\$04\$/, "$16$"),
      bcrypt.hashSync("zq slow", { cost: 4 }).replace(/\$04\$/, "$15$"),
      withArgon2Params(argon, "m=262144,t=16,p=1"),
      withArgon2Params(argon, "m=131072,t=8,p=4"),
    ];
    const fine = [
      bcrypt.hashSync("zq fine", { cost: 4 }).replace(/\$04\$/, "$14$"),
      withArgon2Params(argon, "m=102400,t=2,p=8"),
      withArgon2Params(argon, "m=65536,t=3,p=4"),
    ];
    const result = await runUsersCommand(["import", csv(HEADER, ...[...costly, ...fine].map((h, i) => `zq-h${i}@example.com,H ${i},,"${h}",,`))]);
    const text = out(result);
    expect(text).toContain("line 2: REFUSED zq-h0@example.com: password_hash: a bcrypt hash's cost must be between 4 and 14 (this one's is 16)");
    expect(text).toContain("line 3: REFUSED zq-h1@example.com: password_hash: a bcrypt hash's cost must be between 4 and 14 (this one's is 15)");
    expect(text).toContain("line 4: REFUSED zq-h2@example.com: password_hash: an argon2 hash's memory × time cost must be at most 524288 (256 MiB × 2, 64 MiB × 8)");
    expect(text).toContain("line 5: REFUSED zq-h3@example.com: password_hash: an argon2 hash's memory × time cost must be at most 524288");
    for (const line of [6, 7, 8]) expect(text).toContain(`line ${line}: would create zq-h${line - 2}@example.com`);
  });

  it("refuses a field over the row bound and an unclosed quote, naming the line and not the row", async () => {
    const huge = await runUsersCommand(["import", csv(HEADER, `zq-h@example.com,"${"x".repeat(20000)}",,${hash},,`)]);
    expect(huge.lines).toEqual(["line 2: not valid CSV here (CSV_MAX_RECORD_SIZE).", "Nothing was changed."]);
    const open = await runUsersCommand(["import", csv(HEADER, `zq-h@example.com,"zqmarker unclosed,,${hash},,`)]);
    expect(open.lines).toEqual(["line 2: not valid CSV here (CSV_QUOTE_NOT_CLOSED).", "Nothing was changed."]);
  });

  it("vouches for no address the file doesn't say was proven: a row's owner keeps nothing once the address's real owner links it", async () => {
    // A row of the old provider whose email its holder never proved there (self-registration without a check): the
    // attacker's own password hash under the CFO's address, in a file as the import took them before.
    const attackersPassword = "zq the attacker's own passphrase 7";
    const attackersHash = bcrypt.hashSync(attackersPassword, { cost: 4 });
    const applied = await runUsersCommand(["import", csv("email,name,password_hash", `zq-cfo@example.com,CFO,${attackersHash}`), "--apply"]);
    expect(applied.code, out(applied)).toBe(0);
    const rowOf = async (email: string) => (await findUserRowsByIdentifier(db(), email)).find((r) => r.accountId === accountId)!;
    const cfo = await rowOf("zq-cfo@example.com");
    expect(cfo.emailVerifiedAt, "the address nobody proved").toBeNull();
    expect(out(applied)).toContain("line 2: created zq-cfo@example.com: user, username zq-cfo, bcrypt password, email not verified");
    // Apps are told so.
    expect(await claimsOf(cfo, "openid email")).toMatchObject({ email_verified: false });

    // The attacker signs in; then the CFO signs in through the company's provider, which links by verified email.
    const attackersSession = await signInWithPassword("zq-cfo@example.com", attackersPassword, META);
    const owner = await startSession(await createUser(accountId, { role: "owner" }));
    const provider = await createProvider(
      owner,
      providerInputSchema.parse({ type: "oidc", name: "Company SSO", issuer: "https://sso.example.com", client_id: "c", client_secret: "s", signup_policy: "existing", allow_linking: true }),
      META,
    );
    const signed = await handleOidcSignIn(provider.id, { sub: "cfo-1", email: "zq-cfo@example.com", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: cfo.id, linked: true });
    expect((await userRow(cfo.id))!.passwordHash, "the attacker's password").toBeNull();
    await expect(signInWithPassword("zq-cfo@example.com", attackersPassword, META)).rejects.toBeInstanceOf(SignInFailed);
    expect(await resolveSession(attackersSession.sessionId), "the attacker's session").toBeNull();
  });

  it("an email_verified column says which addresses the old provider proved; --emails-verified vouches for the rest", async () => {
    const file = csv("email,name,password_hash,email_verified", `zq-dan@example.com,Dan,${hash},true`, `zq-eve@example.com,Eve,${hash},no`, `zq-fay@example.com,Fay,${hash},maybe`, `zq-gus@example.com,Gus,${hash},`, `zq-ida@example.com,Ida,${hash},t`);
    const refused = await runUsersCommand(["import", file]);
    expect(out(refused)).toContain("line 4: REFUSED zq-fay@example.com: email_verified: true or false (yes/no, t/f, 1/0), or empty for the file's default");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/zq-fay[^\n]*\n/, ""));
    const applied = await runUsersCommand(["import", file, "--apply"]);
    expect(applied.code, out(applied)).toBe(0);
    expect(out(applied)).toMatch(/line 2: created zq-dan@example\.com: user, username zq-dan, bcrypt password$/m);
    expect(out(applied)).toContain("line 3: created zq-eve@example.com: user, username zq-eve, bcrypt password, email not verified");
    expect(out(applied)).toContain("line 4: created zq-gus@example.com: user, username zq-gus, bcrypt password, email not verified");
    const verifiedAt = async (email: string) => (await findUserRowsByIdentifier(db(), email)).find((r) => r.accountId === accountId)!.emailVerifiedAt;
    expect(await verifiedAt("zq-dan@example.com")).not.toBeNull();
    expect(await verifiedAt("zq-eve@example.com")).toBeNull();
    expect(await verifiedAt("zq-gus@example.com")).toBeNull();
    expect(await verifiedAt("zq-ida@example.com")).not.toBeNull();

    const vouched = await runUsersCommand(["import", csv("email,password_hash,email_verified", `zq-gil@example.com,${hash},`, `zq-hal@example.com,${hash},false`), "--apply", "--emails-verified"]);
    expect(vouched.code, out(vouched)).toBe(0);
    expect(await verifiedAt("zq-gil@example.com")).not.toBeNull();
    expect(await verifiedAt("zq-hal@example.com")).toBeNull();
  });

  it("r46: rows to invite (no password_hash) print no control character either, their refusals and links escaped", async () => {
    const refused = await runUsersCommand([
      "import",
      csv(
        HEADER,
        `"zq-inv-\u001b[2J\u001b]0;pwned\u0007@example.com",Esc,,,,`,
        `zq-inv-g@example.com,G,,,,"Ops\rline 3: invited zq-inv-g@example.com: user"`,
        `zq-inv-n@example.com,"Zq\u001b[31mName",,,,`,
      ),
      "--invite-without-password",
      "--apply",
    ]);
    expect(refused.code).toBe(1);
    for (const line of refused.lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(out(refused)).toContain("line 2: REFUSED zq-inv-\\u001b[2J\\u001b]0;pwned\\u0007@example.com: email: Enter a valid email address");
    expect(out(refused)).toContain(`line 4: REFUSED zq-inv-g@example.com: groups: no group named "Ops\\u000dline 3: invited zq-inv-g@example.com: user"`);
    expect(out(refused)).toMatch(/line 5: REFUSED zq-inv-n@example\.com: name: /);
    expect(out(refused)).not.toContain("/invite?token=");

    // A good row's link line is escaped as the rest (its email passed the rules; nothing of the file reaches the terminal raw).
    const applied = await runUsersCommand(["import", csv(HEADER, `zq-inv-ok@example.com,"Zq Ok",,,,`), "--invite-without-password", "--apply", "--url", "https://id.example.com"]);
    expect(applied.code, out(applied)).toBe(0);
    for (const line of applied.lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(out(applied)).toMatch(/line 2, zq-inv-ok@example\.com: https:\/\/id\.example\.com\/invite\?token=lki_/);
  });
});
