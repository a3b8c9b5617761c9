/** Appearance's limits and the logo's refusal texts, shared by the service and the forms (no server code here). */
export const INSTANCE_NAME_MAX = 60;
export const MAX_LOGO_BYTES = 256 * 1024;
export const LOGO_TYPE_MESSAGE = "Upload a PNG, JPEG or WebP picture";
export const LOGO_SIZE_MESSAGE = "The logo must be at most 256 KiB";
export const LOGO_EMPTY_MESSAGE = "The file is empty";
