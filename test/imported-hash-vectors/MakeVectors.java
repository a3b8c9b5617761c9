// Makes the Keycloak-shaped password credentials that lib/crypto/imported-hashes.test.ts and
// lib/ops/users-import.test.ts check, with the calls Keycloak's password hash providers make: the JDK's
// SecretKeyFactory PBKDF2WithHmacSHA1/256/512 over a PBEKeySpec (the password NUL-padded to 14 characters, as
// Keycloak's provider pads short ones; a 16-byte salt) and BouncyCastle's Argon2BytesGenerator (16-byte salt,
// the password's characters as UTF-8). Prints each credential's secretData and credentialData as Keycloak's
// export writes them. Not part of the build or of any test run; to make them again (Debian: libbcprov-java):
//   java -cp /usr/share/java/bcprov.jar test/imported-hash-vectors/MakeVectors.java
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

public class MakeVectors {
  static final Base64.Encoder B64 = Base64.getEncoder();

  /** Fixed salts, so the printed vectors are the same on every run. */
  static byte[] salt(int seed) {
    byte[] s = new byte[16];
    for (int i = 0; i < s.length; i++) s[i] = (byte) (seed * 31 + i * 7);
    return s;
  }

  static String padded(String password) {
    StringBuilder b = new StringBuilder(password);
    while (b.length() < 14) b.append('\0');
    return b.toString();
  }

  static void pbkdf2(String label, String jcaName, String algorithm, String password, int iterations, int keyBits, int seed) throws Exception {
    byte[] salt = salt(seed);
    PBEKeySpec spec = new PBEKeySpec(padded(password).toCharArray(), salt, iterations, keyBits);
    byte[] key = SecretKeyFactory.getInstance(jcaName).generateSecret(spec).getEncoded();
    print(label, password, B64.encodeToString(key), B64.encodeToString(salt),
        "{\"hashIterations\":" + iterations + ",\"algorithm\":\"" + algorithm + "\",\"additionalParameters\":{}}");
  }

  static void argon2(String label, String password, int type, String typeName, int version, String versionName, int memory, int iterations, int parallelism, int hashLength, int seed) {
    byte[] salt = salt(seed);
    Argon2Parameters params = new Argon2Parameters.Builder(type).withVersion(version).withSalt(salt)
        .withParallelism(parallelism).withMemoryAsKB(memory).withIterations(iterations).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[hashLength];
    generator.generateBytes(password.toCharArray(), out);
    print(label, password, B64.encodeToString(out), B64.encodeToString(salt),
        "{\"hashIterations\":" + iterations + ",\"algorithm\":\"argon2\",\"additionalParameters\":{\"hashLength\":[\"" + hashLength
            + "\"],\"memory\":[\"" + memory + "\"],\"type\":[\"" + typeName + "\"],\"version\":[\"" + versionName + "\"],\"parallelism\":[\"" + parallelism + "\"]}}");
  }

  static void print(String label, String password, String value, String salt, String credentialData) {
    System.out.println(label + " password=" + password);
    System.out.println("  secretData     " + "{\"value\":\"" + value + "\",\"salt\":\"" + salt + "\",\"additionalParameters\":{}}");
    System.out.println("  credentialData " + credentialData);
  }

  public static void main(String[] args) throws Exception {
    pbkdf2("pbkdf2-sha256 (before Keycloak 24: 27,500, 512-bit key)", "PBKDF2WithHmacSHA256", "pbkdf2-sha256", "zq kira's keycloak passphrase", 27500, 512, 1);
    pbkdf2("pbkdf2-sha256 (an older export: 256-bit key)", "PBKDF2WithHmacSHA256", "pbkdf2-sha256", "zq lev's older passphrase", 27500, 256, 2);
    pbkdf2("pbkdf2-sha512 (Keycloak 24+: 210,000)", "PBKDF2WithHmacSHA512", "pbkdf2-sha512", "zq mia's keycloak passphrase", 210000, 512, 3);
    pbkdf2("pbkdf2 (SHA-1), a short password (NUL-padded)", "PBKDF2WithHmacSHA1", "pbkdf2", "short1", 20000, 512, 4);
    pbkdf2("pbkdf2-sha256, non-ASCII", "PBKDF2WithHmacSHA256", "pbkdf2-sha256", "zq Grüße, Ωmega ✓", 27500, 512, 5);
    argon2("argon2 (Keycloak 25+ defaults)", "zq nia's argon2 passphrase", Argon2Parameters.ARGON2_id, "id", Argon2Parameters.ARGON2_VERSION_13, "1.3", 7168, 5, 1, 32, 6);
    argon2("argon2 version 1.0", "zq oli's argon2 passphrase", Argon2Parameters.ARGON2_id, "id", Argon2Parameters.ARGON2_VERSION_10, "1.0", 7168, 5, 1, 32, 7);
    argon2("argon2i, non-ASCII", "zq Grüße ✓ argon", Argon2Parameters.ARGON2_i, "i", Argon2Parameters.ARGON2_VERSION_13, "1.3", 4096, 3, 2, 32, 8);
  }
}
