/** Field schemas shared by every form and API route that takes a person's details. */
import { z } from "zod";

export const emailSchema = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }));

export const nameSchema = z
  .string({ error: "Name must be text" })
  .trim()
  .max(100, "Name must be at most 100 characters");
