/** Passwords the system makes for people (new users, resets): shown once, changed at first sign-in. */
import "server-only";
import { randomBase62 } from "@/lib/crypto/secret-tokens";

/** 24 base62 characters: log2(62^24) ≈ 143 bits of entropy. */
export function generatePassword(): string {
  return randomBase62(24);
}
