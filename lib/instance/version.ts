/** This server's version, from package.json (the one place it is set). */
import packageJson from "@/package.json";

export function instanceVersion(): string {
  return packageJson.version;
}
