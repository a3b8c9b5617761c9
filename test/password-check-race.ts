/**
 * For race tests: another request that commits while a password check (argon2, tens of milliseconds) is
 * under way, after the check has its answer and before its caller writes.
 */
import { vi } from "vitest";
import * as passwords from "@/lib/crypto/passwords";

/** Runs `meanwhile` once the next password check has its answer (out of the hash slot), before its caller goes on. */
export function afterNextPasswordCheck(meanwhile: () => Promise<unknown>): void {
  const real = passwords.verifyPassword;
  const spy = vi.spyOn(passwords, "verifyPassword").mockImplementationOnce(async (hash, password) => {
    spy.mockRestore();
    const result = await real(hash, password);
    await meanwhile();
    return result;
  });
}
