/**
 * Server messages in the person's language — the one mechanism.
 *
 * Services throw domain errors (lib/errors.ts) with English texts: the API
 * answers with them word for word, and logs and tests read them. A form
 * shows the same text from the catalog ("serverMessages" in messages/*.json)
 * in the person's language. Each text finds its catalog entry in one of two ways:
 * - a fixed text (a schema's "Name is required", "User not found", a fixed
 *   refusal) by its English words, in SERVER_TEXT_KEYS below;
 * - a text with values in it, where it is thrown:
 *   `new Conflict(`A token named "${name}" …`).keyed("tokenNameTaken", { name })`.
 * formStateFromError (and the serverAction wrapper's refusals) put the
 * entries found into FormState.messageKeys (English text → key + params);
 * useServerForm (components/ui/use-server-form.ts) shows each message and
 * field message through them, and the English text when a text has none.
 * Success messages an action builds itself are said in the person's language
 * there, with next-intl's getTranslations.
 *
 * Adding one: put the English text (ICU placeholders for its values) and its
 * German under "serverMessages" in both catalogs, then list the text here or
 * key it where it is thrown; i18n/server-messages.test.ts checks that each
 * English catalog text reads exactly as the server's.
 */
import { INSTANCE_NAME_MAX } from "@/lib/appearance/limits";
import { GROUP_NAME_MAX } from "@/lib/groups/schemas";
import { sayMessage, type DomainError, type MessageKeys, type MessageRef, type ServerMessageKey } from "@/lib/errors";
import { USERNAME_MAX } from "@/lib/users/username-rule";
import { TOKEN_EXPIRY_DAYS } from "@/lib/tokens/limits";
import { ALLOWED_GROUPS_MAX, REDIRECT_URIS_MAX } from "@/lib/applications/schemas";
import { ACCESS_MINUTES, REFRESH_DAYS } from "@/lib/applications/form-input";

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

/** Fixed texts people meet most, by their English words. */
export const SERVER_TEXT_KEYS: Readonly<Record<string, MessageRef>> = {
  // not found
  "Resource not found": { key: "resourceNotFound" },
  "User not found": { key: "userNotFound" },
  "Group not found": { key: "groupNotFound" },
  "Invite not found": { key: "inviteNotFound" },
  "Token not found": { key: "tokenNotFound" },
  "Role not found": { key: "roleNotFound" },
  "Session not found": { key: "sessionNotFound" },
  "Passkey not found": { key: "passkeyNotFound" },
  "Identity provider not found": { key: "identityProviderNotFound" },
  "Application not found": { key: "applicationNotFound" },
  "Failed delivery not found": { key: "failedDeliveryNotFound" },
  // conflicts
  "A user with this email already exists": { key: "emailTakenByUser" },
  "A pending invite for this email already exists": { key: "emailTakenByInvite" },
  "This username is taken": { key: "usernameTaken" },
  "This username is kept for a pending invite": { key: "usernameKeptForInvite" },
  "A group with this name already exists": { key: "groupNameTaken" },
  "A role with this name already exists": { key: "roleNameTaken" },
  "This already exists: another record has the same value": { key: "alreadyExists" },
  "Something this refers to no longer exists; reload and try again": { key: "referenceGone" },
  "This conflicts with the stored data; reload and try again": { key: "storedDataConflict" },
  "This provider was already added; reload the page": { key: "providerAlreadyAdded" },
  "Display name is taken": { key: "displayNameTaken" },
  "Another provider already has this display name": { key: "providerNameTaken" },
  // who may do what
  "You don't have permission to do this": { key: "noPermission" },
  "Your session has ended. Sign in again.": { key: "sessionEnded" },
  "Choose a new password before continuing": { key: "mustChangePassword" },
  "You can't delete yourself": { key: "cantDeleteYourself" },
  "You can't block yourself": { key: "cantBlockYourself" },
  "You can't change your own role": { key: "cantChangeOwnRole" },
  "You can't change your own roles": { key: "cantChangeOwnRoles" },
  "The owner can't be blocked": { key: "ownerCantBeBlocked" },
  "The owner can't be deleted": { key: "ownerCantBeDeleted" },
  "Only the owner can change the owner's account": { key: "onlyOwnerChangesOwner" },
  "Only the owner can give the owner role": { key: "onlyOwnerGivesOwnerRole" },
  "The owner can't be demoted; transfer ownership to another user instead": { key: "ownerCantBeDemoted" },
  "Use Change Password to change your own password": { key: "useChangePassword" },
  "This user is blocked; unblock them first": { key: "userBlocked" },
  "Too many requests with this access token. Try again later.": { key: "tokenRateLimited" },
  // people's details (users, invites, service users)
  "Name is required": { key: "nameRequired" },
  "Name must be text": { key: "nameText" },
  "Name must be at most 100 characters": { key: "nameTooLong", params: { max: 100 } },
  "Email is required": { key: "emailRequired" },
  "Email must be text": { key: "emailText" },
  "Email must be at most 254 characters": { key: "emailTooLong", params: { max: 254 } },
  "Enter a valid email address": { key: "emailInvalid" },
  "Username is required": { key: "usernameRequired" },
  "Username must be text": { key: "usernameText" },
  [`Username must be at most ${USERNAME_MAX} characters`]: { key: "usernameTooLong", params: { max: USERNAME_MAX } },
  'Username may contain only letters, digits, ".", "_" and "-"': { key: "usernameCharacters" },
  "Enter an email or a username": { key: "emailOrUsername" },
  "Enter an email to send the invite by email": { key: "inviteEmailNeeded" },
  "Service users have no email": { key: "serviceUsersNoEmail" },
  // groups
  [`Name must be at most ${GROUP_NAME_MAX} characters`]: { key: "nameTooLong", params: { max: GROUP_NAME_MAX } },
  // the instance's name (Settings → Appearance)
  [`Name must be at most ${INSTANCE_NAME_MAX} characters`]: { key: "nameTooLong", params: { max: INSTANCE_NAME_MAX } },
  // tokens
  // (a token's name is at most TOKEN_NAME_MAX_LENGTH = 100 characters, as a person's name: the entry above)
  "Name must not contain control characters": { key: "nameControlCharacters" },
  [`Expires in must be between ${TOKEN_EXPIRY_DAYS.min} and ${TOKEN_EXPIRY_DAYS.max} days`]: {
    key: "expiryRange",
    params: { min: TOKEN_EXPIRY_DAYS.min, max: TOKEN_EXPIRY_DAYS.max },
  },
  "Expires in must be a number of days": { key: "expiryNumber" },
  "Expires in must be a whole number of days": { key: "expiryWhole" },
  // passwords
  "Password is required": { key: "passwordRequired" },
  "Password must be text": { key: "passwordText" },
  [`Password must be at least ${PASSWORD_MIN} characters`]: { key: "passwordTooShort", params: { min: PASSWORD_MIN } },
  [`Password must be at most ${PASSWORD_MAX} characters`]: { key: "passwordTooLong", params: { max: PASSWORD_MAX } },
  "This password is too common; choose another": { key: "passwordTooCommon" },
  "Password must not be your email or name": { key: "passwordIsEmailOrName" },
  "Current password is incorrect": { key: "currentPasswordIncorrect" },
  "New password must differ from the current one": { key: "newPasswordSame" },
  "Password is incorrect": { key: "passwordIncorrect" },
  // sign-in settings (identity providers, LDAP, proxy header), mail, two-factor policy
  "Display name is required": { key: "displayNameRequired" },
  "Issuer URL is required": { key: "issuerRequired" },
  "Enter the issuer as a full URL, like https://accounts.google.com": { key: "issuerFullUrl" },
  "Issuer URL must start with https:// (http:// only for localhost)": { key: "issuerHttps" },
  "Client ID is required": { key: "clientIdRequired" },
  "Client secret is required": { key: "clientSecretRequired" },
  "Scopes must include openid": { key: "scopesOpenid" },
  "Enter domains like example.com": { key: "domainsFormat" },
  "List at least one domain, or let anyone in": { key: "domainsNeeded" },
  "Server URL is required": { key: "serverUrlRequired" },
  "Enter the server as ldap://host:389 or ldaps://host:636": { key: "ldapUrlFormat" },
  "Enter the bind password of the service account": { key: "bindPasswordNeeded" },
  "Enter address ranges like 10.0.0.0/8, 192.168.1.10 or fd00::/8": { key: "rangesFormat" },
  "List the address ranges of your proxy before turning this on": { key: "rangesNeeded" },
  "User header is required": { key: "userHeaderRequired" },
  "Must be a port from 1 to 65535": { key: "portRange" },
  "Mail can't be turned on yet": { key: "mailNotReady" },
  "Mail is not set up: the owner configures it in Settings → Email": { key: "mailNotSetUp" },
  "Choose at least one group": { key: "chooseGroup" },
  // applications (a redirect URI's own problem is keyed where the schema finds it)
  [`At most ${REDIRECT_URIS_MAX} addresses`]: { key: "addressesAtMost", params: { max: REDIRECT_URIS_MAX } },
  "An address is listed twice": { key: "addressListedTwice" },
  "Add at least one redirect URI: where the app receives the sign-in": { key: "redirectUriNeeded" },
  [`At most ${ALLOWED_GROUPS_MAX} groups`]: { key: "groupsAtMost", params: { max: ALLOWED_GROUPS_MAX } },
  [`A whole number of minutes, ${ACCESS_MINUTES.min}–${ACCESS_MINUTES.max}`]: { key: "wholeMinutes", params: ACCESS_MINUTES },
  [`A whole number of days, ${REFRESH_DAYS.min}–${REFRESH_DAYS.max}`]: { key: "wholeDays", params: REFRESH_DAYS },
  // more refusals a person meets in the dashboard (users, owner, applications, invites, LDAP)
  "A service user can't be the owner": { key: "serviceUserNotOwner" },
  "The owner role can't be assigned; transfer ownership instead": { key: "ownerRoleNotAssignable" },
  "The owner role can't be given to a new user": { key: "ownerRoleNotForNewUser" },
  "The type can't change": { key: "applicationTypeFixed" },
  "Only web apps have a client secret: single-page and device apps sign in with PKCE": { key: "clientSecretWebOnly" },
  "Only the owner can reset the owner's two-factor sign-in": { key: "onlyOwnerResetsOwnerTwoFactor" },
  "This user holds permissions you don't; ask someone who holds them": { key: "holdsPermissionsYouDont" },
  "Unblock this user before transferring ownership to them": { key: "unblockBeforeTransfer" },
  "This user has no local password; they sign in through an identity provider": { key: "noLocalPasswordUser" },
  "This invite has no email address: regenerate its link and hand it over instead": { key: "inviteHasNoEmail" },
  "This person has no email address": { key: "personHasNoEmail" },
  "Bind password is required": { key: "bindPasswordRequired" },
  // activity filters
  "from must be before to": { key: "fromBeforeTo" },
  // two-factor, passkeys, tokens, groups, email
  "Your email comes from your identity provider; change it there": { key: "emailFromProvider" },
  "Unknown group": { key: "unknownGroup" },
  "One of these groups doesn't exist any more": { key: "groupGone" },
  "That code is not right. Try again.": { key: "codeWrongTryAgain" },
  "This passkey is already registered.": { key: "passkeyTaken" },
  "That code is not right. Check your app's clock and try the current code.": { key: "codeWrongCheckClock" },
  "Set up a second factor first.": { key: "setUpFactorFirst" },
  "That code is not right.": { key: "codeWrong" },
  "You can't see other users' tokens": { key: "cannotSeeOthersTokens" },
};

/** The catalog entries of an error's texts (message and field messages) that have one. */
export function messageKeysOf(err: DomainError, fieldErrors: Record<string, string[]> = {}): MessageKeys | undefined {
  const found: MessageKeys = {};
  for (const text of [err.message, ...Object.values(fieldErrors).flat()]) {
    const ref = err.messageKeys[text] ?? (Object.hasOwn(SERVER_TEXT_KEYS, text) ? SERVER_TEXT_KEYS[text] : undefined);
    if (ref) found[text] = ref;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

/** One text in the person's language on a server-rendered page: its catalog entry when it has one, else as written. */
export function serverText(t: (key: ServerMessageKey, params?: Record<string, string | number>) => string, text: string): string {
  const ref = Object.hasOwn(SERVER_TEXT_KEYS, text) ? SERVER_TEXT_KEYS[text] : undefined;
  return ref ? sayMessage(t, ref) : text;
}
