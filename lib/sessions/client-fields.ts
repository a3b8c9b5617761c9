/**
 * A session's browser (user agent) and client address, sealed with the row's id (review 17: a copy of the
 * database without the key must not hold where and with what people signed in). Sessions from before carry
 * neither (the migration forgot their plaintext).
 */
import "server-only";
import { decryptField, encryptField } from "@/lib/crypto/aead";

const field = (sessionId: string, column: "ip" | "user_agent") => ({ table: "sessions", column, rowId: sessionId });

export function sealSessionClient(sessionId: string, client: { ip: string | null; userAgent: string | null }): { ipCiphertext: string | null; userAgentCiphertext: string | null } {
  return {
    ipCiphertext: client.ip ? encryptField(client.ip, field(sessionId, "ip")) : null,
    userAgentCiphertext: client.userAgent ? encryptField(client.userAgent, field(sessionId, "user_agent")) : null,
  };
}

export function openSessionClient(row: { id: string; ipCiphertext: string | null; userAgentCiphertext: string | null }): { ip: string | null; userAgent: string | null } {
  return {
    ip: row.ipCiphertext ? decryptField(row.ipCiphertext, field(row.id, "ip")) : null,
    userAgent: row.userAgentCiphertext ? decryptField(row.userAgentCiphertext, field(row.id, "user_agent")) : null,
  };
}
