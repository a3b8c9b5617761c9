/**
 * Certificates for the LDAP-over-TLS tests, made by Debian's openssl (no crypto of our own): a test certificate
 * authority, the directory's certificate it signs for 127.0.0.1 and localhost, and what a man in the middle, or a
 * neglected server, would present instead: a self-signed one, an expired one, one for another name. All on
 * P-256 keys (made in milliseconds), in a temp dir the caller removes.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const OPENSSL_CANDIDATES = ["/usr/bin/openssl", "/usr/local/bin/openssl"];

/** Throws (never skips) with what to install when openssl isn't there. */
export function requireOpenssl(): string {
  const found = OPENSSL_CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      "The LDAP over TLS tests make their certificates with openssl, which is not installed. " +
        "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y openssl (.ci/run does this).",
    );
  }
  return found;
}

/** A certificate (PEM file) and its key. */
export type CertificateFiles = { certificate: string; key: string };

export type TestCertificates = {
  /** The test certificate authority's certificate, PEM text: what an owner enters as the directory's CA. */
  caPem: string;
  /** Signed by the test CA for 127.0.0.1 and localhost: the directory's own. */
  server: CertificateFiles;
  /** For 127.0.0.1 and localhost, signed by nobody but itself. */
  selfSigned: CertificateFiles;
  /** Signed by the test CA for 127.0.0.1 and localhost, ended yesterday. */
  expired: CertificateFiles;
  /** Signed by the test CA for ldap.example.org only. */
  wrongName: CertificateFiles;
};

const LOOPBACK_NAMES = "subjectAltName=IP:127.0.0.1,DNS:localhost";
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function makeTestCertificates(dir: string): TestCertificates {
  const openssl = requireOpenssl();
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: ["ignore", "ignore", "pipe"] });
  const file = (name: string) => path.join(dir, name);
  const ca = { certificate: file("ca.pem"), key: file("ca.key") };
  run(["req", "-x509", ...NEW_KEY, "-days", "2", "-subj", "/CN=Latchkey test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", ca.key, "-out", ca.certificate]);

  /** A certificate signed by the test CA; `days` below zero ends it before it begins (openssl x509 -days -1). */
  const signed = (name: string, subjectAltName: string, days: number): CertificateFiles => {
    const own = { certificate: file(`${name}.pem`), key: file(`${name}.key`) };
    const extensions = file(`${name}.ext`);
    fs.writeFileSync(extensions, `${subjectAltName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run(["req", "-new", ...NEW_KEY, "-subj", `/CN=${name}`, "-keyout", own.key, "-out", file(`${name}.csr`)]);
    run(["x509", "-req", "-in", file(`${name}.csr`), "-CA", ca.certificate, "-CAkey", ca.key, "-CAcreateserial", "-days", String(days), "-extfile", extensions, "-out", own.certificate]);
    return own;
  };

  const selfSigned = { certificate: file("self-signed.pem"), key: file("self-signed.key") };
  run(["req", "-x509", ...NEW_KEY, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", LOOPBACK_NAMES, "-keyout", selfSigned.key, "-out", selfSigned.certificate]);

  return {
    caPem: fs.readFileSync(ca.certificate, "utf8"),
    server: signed("server", LOOPBACK_NAMES, 2),
    selfSigned,
    expired: signed("expired", LOOPBACK_NAMES, -1),
    wrongName: signed("wrong-name", "subjectAltName=DNS:ldap.example.org", 2),
  };
}
