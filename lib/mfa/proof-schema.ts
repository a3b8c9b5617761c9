/** The proof fields (lib/mfa/proof.ts), as request bodies carry them: no server code here, so API schemas can use it. */
import { z } from "zod";
import { CODE_REQUIRED } from "./proof-texts";

export const factorProofSchema = z.object({
  password: z.string({ error: "Current password is required" }).max(1024).default(""),
  code: z.string({ error: CODE_REQUIRED }).max(64).default(""),
});
export type FactorProof = z.input<typeof factorProofSchema>;
