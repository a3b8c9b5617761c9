/** Sign-in sources' limits, shared by the schemas (./schemas.ts) and the forms' hints (no server code here). */

/** The longest name of an identity provider or the LDAP directory (the sign-in page's button). */
export const SIGN_IN_SOURCE_NAME_MAX = 64;
