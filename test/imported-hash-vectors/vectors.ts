/**
 * Password hashes as other identity providers store them, for the import's tests (lib/crypto/imported-hashes.test.ts,
 * lib/ops/users-import.test.ts, e2e/api/users-cli.spec.ts). None is made by Latchkey's own code:
 * - Keycloak's: made by ./MakeVectors.java with the calls Keycloak's providers make (the JDK's PBKDF2WithHmacSHA*,
 *   BouncyCastle's Argon2BytesGenerator), as its export writes a password credential (`secretData` and
 *   `credentialData`, each a JSON text); `phc` is the string docs/operations.md's jq command makes of the two.
 * - Authentik's: made by Django 3.2's make_password (Debian's python3-django), the hasher Authentik uses; its
 *   default iterations were 260,000 then (Django 5.2: 1,000,000).
 * The passwords carry the "zq" marker the at-rest scans look for.
 */
export type KeycloakCredential = { password: string; secretData: string; credentialData: string; phc: string };

export const KEYCLOAK = {
  // pbkdf2-sha256 (before Keycloak 24: 27,500, 512-bit key)
  keycloakSha256: {
    password: "zq kira's keycloak passphrase",
    secretData: "{\"value\":\"9rbe4vUvadrXVzWobVeO8drdQ25ipsF6ZpmFqkpId2sJPFAYAmQD+/58dBbLSISdHewyhdoyqX6z/3Zi2oZ6ig==\",\"salt\":\"HyYtNDtCSVBXXmVsc3qBiA==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":27500,\"algorithm\":\"pbkdf2-sha256\",\"additionalParameters\":{}}",
    phc: "$pbkdf2-sha256$i=27500$HyYtNDtCSVBXXmVsc3qBiA$9rbe4vUvadrXVzWobVeO8drdQ25ipsF6ZpmFqkpId2sJPFAYAmQD+/58dBbLSISdHewyhdoyqX6z/3Zi2oZ6ig",
  },
  // pbkdf2-sha256 (an older export: 256-bit key)
  keycloakSha256Short: {
    password: "zq lev's older passphrase",
    secretData: "{\"value\":\"tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ=\",\"salt\":\"PkVMU1phaG92fYSLkpmgpw==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":27500,\"algorithm\":\"pbkdf2-sha256\",\"additionalParameters\":{}}",
    phc: "$pbkdf2-sha256$i=27500$PkVMU1phaG92fYSLkpmgpw$tvunLkVeXsMnoPwHS1g+jDr9O2XICkMjLnADz6hqWgQ",
  },
  // pbkdf2-sha512 (Keycloak 24+: 210,000)
  keycloakSha512: {
    password: "zq mia's keycloak passphrase",
    secretData: "{\"value\":\"OWt5wf9hMkriHV//4B45YdvUQtcD/madk78nRs4eN2YTixGzFh51b2TOFmdfxDQNn1pZWa3w2FLu5aDRFL98gA==\",\"salt\":\"XWRrcnmAh46VnKOqsbi/xg==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":210000,\"algorithm\":\"pbkdf2-sha512\",\"additionalParameters\":{}}",
    phc: "$pbkdf2-sha512$i=210000$XWRrcnmAh46VnKOqsbi/xg$OWt5wf9hMkriHV//4B45YdvUQtcD/madk78nRs4eN2YTixGzFh51b2TOFmdfxDQNn1pZWa3w2FLu5aDRFL98gA",
  },
  // pbkdf2 (SHA-1), a short password (NUL-padded)
  keycloakSha1ShortPassword: {
    password: "short1",
    secretData: "{\"value\":\"SzpcgtIIC1noebLsn8h1XHG2RyFrjSwYrtb5Eim3jjFYYO0pGQ4OeX4Cmuuvm1irSNqTnxLPV2d0hW10psUg1A==\",\"salt\":\"fIOKkZifpq20u8LJ0Nfe5Q==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":20000,\"algorithm\":\"pbkdf2\",\"additionalParameters\":{}}",
    phc: "$pbkdf2-sha1$i=20000$fIOKkZifpq20u8LJ0Nfe5Q$SzpcgtIIC1noebLsn8h1XHG2RyFrjSwYrtb5Eim3jjFYYO0pGQ4OeX4Cmuuvm1irSNqTnxLPV2d0hW10psUg1A",
  },
  // pbkdf2-sha256, non-ASCII
  keycloakNonAscii: {
    password: "zq Grüße, Ωmega ✓",
    secretData: "{\"value\":\"L/51uxeDvZOo01BZ33b8BBhmroz2XEy+UJF5r1NAQ5VX3KCSjx5dB5OWNc14b7hs0YKpdBZDhmewwFM7UJ6hFA==\",\"salt\":\"m6KpsLe+xczT2uHo7/b9BA==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":27500,\"algorithm\":\"pbkdf2-sha256\",\"additionalParameters\":{}}",
    phc: "$pbkdf2-sha256$i=27500$m6KpsLe+xczT2uHo7/b9BA$L/51uxeDvZOo01BZ33b8BBhmroz2XEy+UJF5r1NAQ5VX3KCSjx5dB5OWNc14b7hs0YKpdBZDhmewwFM7UJ6hFA",
  },
  // argon2 (Keycloak 25+ defaults)
  keycloakArgon2: {
    password: "zq nia's argon2 passphrase",
    secretData: "{\"value\":\"ty84efAAlLolqK48i+0hhLcE/3xqMb686+lgA0xiGX0=\",\"salt\":\"usHIz9bd5Ovy+QAHDhUcIw==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":5,\"algorithm\":\"argon2\",\"additionalParameters\":{\"hashLength\":[\"32\"],\"memory\":[\"7168\"],\"type\":[\"id\"],\"version\":[\"1.3\"],\"parallelism\":[\"1\"]}}",
    phc: "$argon2id$v=19$m=7168,t=5,p=1$usHIz9bd5Ovy+QAHDhUcIw$ty84efAAlLolqK48i+0hhLcE/3xqMb686+lgA0xiGX0",
  },
  // argon2 version 1.0
  keycloakArgon2v10: {
    password: "zq oli's argon2 passphrase",
    secretData: "{\"value\":\"1usOd6eWA80SB1N1XfS+oFfQIH3tl3pp4XdU6hT9IpA=\",\"salt\":\"2eDn7vX8AwoRGB8mLTQ7Qg==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":5,\"algorithm\":\"argon2\",\"additionalParameters\":{\"hashLength\":[\"32\"],\"memory\":[\"7168\"],\"type\":[\"id\"],\"version\":[\"1.0\"],\"parallelism\":[\"1\"]}}",
    phc: "$argon2id$v=16$m=7168,t=5,p=1$2eDn7vX8AwoRGB8mLTQ7Qg$1usOd6eWA80SB1N1XfS+oFfQIH3tl3pp4XdU6hT9IpA",
  },
  // argon2i, non-ASCII
  keycloakArgon2iNonAscii: {
    password: "zq Grüße ✓ argon",
    secretData: "{\"value\":\"K7lHImMJB8tMAswkaWKdTXmMrRdrSSHg/AHwV6CMBbw=\",\"salt\":\"+P8GDRQbIikwNz5FTFNaYQ==\",\"additionalParameters\":{}}",
    credentialData: "{\"hashIterations\":3,\"algorithm\":\"argon2\",\"additionalParameters\":{\"hashLength\":[\"32\"],\"memory\":[\"4096\"],\"type\":[\"i\"],\"version\":[\"1.3\"],\"parallelism\":[\"2\"]}}",
    phc: "$argon2i$v=19$m=4096,t=3,p=2$+P8GDRQbIikwNz5FTFNaYQ$K7lHImMJB8tMAswkaWKdTXmMrRdrSSHg/AHwV6CMBbw",
  },
} satisfies Record<string, KeycloakCredential>;

export const AUTHENTIK = {
  // make_password("zq pia's authentik passphrase")
  pbkdf2: { password: "zq pia's authentik passphrase", hash: "pbkdf2_sha256$260000$1WgJTtDwKclUVOI1mBiXSA$346KSwUdF90Q+sR6qa80yvqAcDWbvECAnjhzPde6SU8=" },
  // make_password("zq Grüße ✓ authentik")
  nonAscii: { password: "zq Grüße ✓ authentik", hash: "pbkdf2_sha256$260000$xNyLe35Bp9OIZvAoOLhLtY$oMeegWw8DYz6HwI+oUnbb6VDLto7XdzC+emgItsOGSA=" },
  // make_password("zq pia's authentik passphrase", hasher="pbkdf2_sha1"): Django's, not Authentik's; refused.
  pbkdf2Sha1: { password: "zq pia's authentik passphrase", hash: "pbkdf2_sha1$260000$aPvyZbmdzOFqEopeh8ZrSq$KPRf5n3KRdwDGl1nViZtTkwH3Uc=" },
  // make_password(None): a person without a usable password (signs in through a source, or never set one).
  unusable: { hash: "!Au03YmbDn9TwY4S9Vt0vpc6tLDfbWiZjOCnifj8e" },
} as const;
