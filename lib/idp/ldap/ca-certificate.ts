/**
 * The directory's trusted CA certificate (Settings → LDAP, `tls_ca_certificate`): the PEM certificates an owner
 * pastes so that ldaps:// and StartTLS trust their directory's private certificate authority, and only it. Read
 * with Node's X509Certificate (OpenSSL), never parsed by hand.
 */
import { X509Certificate } from "node:crypto";

/** Most a CA bundle an owner pastes needs: a few certificates (a root and its intermediates). */
export const CA_CERTIFICATE_MAX = 20_000;

export const CA_NOT_ONLY_CERTIFICATES = "Paste only certificates (-----BEGIN CERTIFICATE-----): this holds something else, perhaps a private key, which never belongs here";
export const CA_NOT_PEM = "Paste the directory's CA certificate in PEM form, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----";
export const CA_UNREADABLE = "A certificate in the trusted CA certificate could not be read: copy the PEM text again, whole";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Why `pem` is no trusted CA certificate, in English, or null when it is one or more PEM certificates and nothing else. */
export function caCertificateProblem(pem: string): string | null {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.some((b) => b[1] !== "CERTIFICATE")) {
    return CA_NOT_ONLY_CERTIFICATES;
  }
  const rest = pem.replace(PEM_BLOCK, "").trim();
  if (blocks.length === 0 || rest !== "") return CA_NOT_PEM;
  for (const block of blocks) {
    try {
      new X509Certificate(block[0]);
    } catch {
      return CA_UNREADABLE;
    }
  }
  return null;
}

/** "SHA-256 AB:CD:…" of each certificate: how the activity log names the trusted CA (never its whole text). */
export function caFingerprints(pem: string): string {
  return [...pem.matchAll(PEM_BLOCK)].map((b) => `SHA-256 ${new X509Certificate(b[0]).fingerprint256}`).join(", ");
}
