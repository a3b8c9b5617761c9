// Regenerates lib/passwords/common-passwords.txt: the 10,000 most common
// passwords from zxcvbn-ts's ranked list (frequency order), one per line.
// The list is committed as data so the app needs no network and no extra
// runtime dependency; run this only to refresh it.
import fs from "node:fs";
import { dictionary } from "@zxcvbn-ts/language-common";

const ranked = dictionary["passwords-common"];
const seen = new Set();
for (const entry of ranked) {
  const word = String(entry).trim().toLowerCase();
  if (word) seen.add(word);
  if (seen.size === 10000) break;
}
fs.writeFileSync(new URL("../lib/passwords/common-passwords.txt", import.meta.url), [...seen].join("\n") + "\n");
console.log(`wrote ${seen.size} passwords`);
