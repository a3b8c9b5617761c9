/** Appearance's limits and the logo's refusal texts, shared by the service and the forms (no server code here). */
export const INSTANCE_NAME_MAX = 60;
export const MAX_LOGO_BYTES = 256 * 1024;
export const LOGO_TYPE_MESSAGE = "Upload a PNG, JPEG or WebP picture";
export const LOGO_SIZE_MESSAGE = "The logo must be at most 256 KiB";
export const LOGO_EMPTY_MESSAGE = "The file is empty";
/** Longest side a logo may have: it is shown at most 48 px high, and every visitor's browser decodes all of it. */
export const MAX_LOGO_SIDE = 4096;
export const LOGO_DIMENSIONS_MESSAGE = `The logo must be at most ${MAX_LOGO_SIDE} × ${MAX_LOGO_SIDE} pixels`;
