/**
 * @simplewebauthn/server, loaded when a passkey ceremony first needs it. With its dependencies (@peculiar/x509,
 * the @peculiar/asn1-* schemas, asn1js, tsyringe, reflect-metadata: about 900 KB of source, and schema objects
 * made as it loads) it rode in the server chunk every dashboard page loads, though only passkey set-up, sign-in and
 * second steps use it (docs/benchmarks.md, round 31). Modules that use it ask here and await it; `import type`
 * from the package stays where it is (types leave no code). lib/mfa/webauthn-library.test.ts keeps it so.
 */
import "server-only";

export const webauthnServer = () => import("@simplewebauthn/server");

export const webauthnHelpers = () => import("@simplewebauthn/server/helpers");
