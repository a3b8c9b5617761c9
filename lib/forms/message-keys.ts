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
import { OWN_USERNAME_HOLD_LIMIT_REACHED, OWN_USERNAMES_HELD_MAX, USERNAME_CHARACTERS, USERNAME_EDGES, USERNAME_HELD_BACK, USERNAME_HOLD_DAYS, USERNAME_MAX, USERNAME_MIXED_SCRIPTS } from "@/lib/users/username-rule";
import { TOKEN_EXPIRY_DAYS } from "@/lib/tokens/limits";
import { ACCESS_TEXTS } from "@/lib/applications/access";
import { ALLOWED_GROUPS_MAX, REDIRECT_URIS_MAX, SECRET_ROTATED_MEANWHILE } from "@/lib/applications/schemas";
import { ACCESS_MINUTES, REFRESH_DAYS } from "@/lib/applications/form-input";
import { MFA_REQUIREMENTS, ROLES } from "@/lib/db/schema";
import { LAST_FACTOR_REQUIRED, REQUIRE_FOR_TEXT } from "@/lib/mfa/policy-texts";
import { GRANTABLE_ROLES } from "@/lib/idp/schemas";
import { ROLE_DESCRIPTION_MAX } from "@/lib/roles/schemas";
import { CODE_REQUIRED, RECENT_SIGN_IN_MINUTES, SIGN_IN_AGAIN, STEP_CODE_REQUIRED } from "@/lib/mfa/proof-texts";
import { IDENTIFIER_REQUIRED } from "@/lib/sign-in/sign-in-texts";
import { PASSKEY_NAME_MAX } from "@/lib/mfa/limits";
import { CA_CERTIFICATE_MAX, CA_NOT_ONLY_CERTIFICATES, CA_NOT_PEM, CA_UNREADABLE } from "@/lib/idp/ldap/ca-certificate";

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

/**
 * The sign-in settings' fields whose schema messages name them ("Bind DN is required"): each
 * label's catalog entry, and the limits and rules said of it (lib/idp/schemas.ts, lib/roles/schemas.ts).
 */
const LABELS: Record<string, ServerMessageKey> = {
  "Bind DN": "labelBindDn",
  "User search base": "labelUserSearchBase",
  "User filter": "labelUserFilter",
  "Username attribute": "labelUsernameAttribute",
  "Email attribute": "labelEmailAttribute",
  "Display name attribute": "labelDisplayNameAttribute",
  "Group filter": "labelGroupFilter",
  "Group name attribute": "labelGroupNameAttribute",
  "Group search base": "labelGroupSearchBase",
  "Bind password": "labelBindPassword",
  "User header": "labelUserHeader",
  "Email header": "labelEmailHeader",
  "Name header": "labelNameHeader",
  "Display name": "labelDisplayName",
  "Issuer URL": "labelIssuerUrl",
  "Client ID": "labelClientId",
  "Client secret": "labelClientSecret",
  Scopes: "labelScopes",
  "Server URL": "labelServerUrl",
  Description: "labelDescription",
  Ranges: "labelRanges",
  "Trusted CA certificate": "labelTrustedCaCertificate",
};
const label = (text: string): MessageRef => ({ key: LABELS[text] });
const LABELLED: Array<[string, MessageRef]> = [
  ...["Bind DN", "User search base", "User filter", "Username attribute", "Email attribute", "Display name attribute", "Group filter", "Group name attribute"].map(
    (l): [string, MessageRef] => [`${l} is required`, { key: "fieldRequired", params: { field: label(l) } }],
  ),
  ...["Bind DN", "User search base", "User filter", "Group filter", "Group search base", "Bind password"].map(
    (l): [string, MessageRef] => [`${l} must be at most 1000 characters`, { key: "fieldTooLong", params: { field: label(l), max: 1000 } }],
  ),
  ...["Username attribute", "Email attribute", "Display name attribute", "Group name attribute", "User header", "Email header", "Name header"].map(
    (l): [string, MessageRef] => [`${l} must be at most 100 characters`, { key: "fieldTooLong", params: { field: label(l), max: 100 } }],
  ),
  ...["Username attribute", "Email attribute", "Display name attribute", "Group name attribute"].map(
    (l): [string, MessageRef] => [`${l} must be an attribute name like uid or mail`, { key: "fieldAttributeName", params: { field: label(l) } }],
  ),
  ...["User filter", "Group filter"].map((l): [string, MessageRef] => [`${l} must be an LDAP filter in parentheses`, { key: "fieldLdapFilter", params: { field: label(l) } }]),
  ["User filter must contain {username}", { key: "fieldMustContain", params: { field: label("User filter"), placeholder: "{username}" } }],
  ["Group filter must contain {dn}", { key: "fieldMustContain", params: { field: label("Group filter"), placeholder: "{dn}" } }],
  ...["User header", "Email header", "Name header"].flatMap((l): Array<[string, MessageRef]> => [
    [`${l} must be an HTTP header name like Remote-User`, { key: "fieldHeaderName", params: { field: label(l) } }],
    [`${l} must be text`, { key: "fieldText", params: { field: label(l) } }],
  ]),
  ...["Bind password", "Group search base", "Client secret", "Scopes", "Description", "Ranges", "Display name", "Issuer URL", "Client ID", "Server URL"].map(
    (l): [string, MessageRef] => [`${l} must be text`, { key: "fieldText", params: { field: label(l) } }],
  ),
  ["Display name must be at most 64 characters", { key: "fieldTooLong", params: { field: label("Display name"), max: 64 } }],
  ...["Issuer URL", "Client ID", "Scopes", "Server URL"].map(
    (l): [string, MessageRef] => [`${l} must be at most 500 characters`, { key: "fieldTooLong", params: { field: label(l), max: 500 } }],
  ),
  ["Trusted CA certificate must be text", { key: "fieldText", params: { field: label("Trusted CA certificate") } }],
  [`Trusted CA certificate must be at most ${CA_CERTIFICATE_MAX} characters`, { key: "fieldTooLong", params: { field: label("Trusted CA certificate"), max: CA_CERTIFICATE_MAX } }],
  ["Client secret must be at most 2000 characters", { key: "fieldTooLong", params: { field: label("Client secret"), max: 2000 } }],
  [`Description must be at most ${ROLE_DESCRIPTION_MAX} characters`, { key: "fieldTooLong", params: { field: label("Description"), max: ROLE_DESCRIPTION_MAX } }],
];

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
  "Held-back username not found": { key: "heldBackUsernameNotFound" },
  // conflicts
  "A user with this email already exists": { key: "emailTakenByUser" },
  "A pending invite for this email already exists": { key: "emailTakenByInvite" },
  "This username is taken": { key: "usernameTaken" },
  "This username is kept for a pending invite": { key: "usernameKeptForInvite" },
  [USERNAME_HELD_BACK]: { key: "usernameHeldBack", params: { days: USERNAME_HOLD_DAYS } },
  [OWN_USERNAME_HOLD_LIMIT_REACHED]: { key: "ownUsernameHoldLimit", params: { count: OWN_USERNAMES_HELD_MAX, days: USERNAME_HOLD_DAYS } },
  "A group with this name already exists": { key: "groupNameTaken" },
  "A group name can't mix alphabets, e.g. Latin and Cyrillic letters": { key: "groupNameMixedAlphabets" },
  "A group name can't contain a comma": { key: "groupNameComma" },
  "A group name can't contain invisible characters": { key: "groupNameInvisible" },
  "A role name can't contain invisible characters": { key: "roleNameInvisible" },
  "A role name can't mix alphabets, e.g. Latin and Cyrillic letters": { key: "roleNameMixedAlphabets" },
  "Settings → Security requires two-factor sign-in for this group's members: the owner must choose other groups there before it can be deleted": { key: "groupRequiredForTwoFactor" },
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
  "You can't change your own groups: apps trust them; ask another admin": { key: "cantChangeOwnGroups" },
  "You can't rename a group you are in: apps trust group names; ask another admin": { key: "cantRenameOwnGroup" },
  "Renaming a group with members needs permission to manage users: apps trust group names": { key: "renameGroupNeedsUsers" },
  "Putting people in groups needs permission to manage users: apps trust group names": { key: "groupsNeedUsers" },
  "A role name can't contain a comma": { key: "roleNameComma" },
  "You can't rename a role you hold: apps trust role names; ask another admin": { key: "cantRenameOwnRole" },
  "Renaming a role someone holds needs permission to manage users: apps trust role names": { key: "renameRoleNeedsUsers" },
  "You can't give a group you are in a role: that is giving it to yourself; ask another admin": { key: "cantGiveOwnGroupRoles" },
  "Giving a group with members a role needs permission to manage users: apps trust role names": { key: "groupRolesNeedUsers" },
  "The owner can't be blocked": { key: "ownerCantBeBlocked" },
  "The owner can't be deleted": { key: "ownerCantBeDeleted" },
  "Only the owner can change the owner's account": { key: "onlyOwnerChangesOwner" },
  "Only the owner can give the owner role": { key: "onlyOwnerGivesOwnerRole" },
  "The owner can't be demoted; transfer ownership to another user instead": { key: "ownerCantBeDemoted" },
  "Use “Change password” to change your own password": { key: "useChangePassword" },
  "This user is blocked; unblock them first": { key: "userBlocked" },
  "Too many requests with this access token. Try again later.": { key: "tokenRateLimited" },
  // people's details (users, invites, service users)
  "Name is required": { key: "nameRequired" },
  "Name must be text": { key: "nameText" },
  "Name must be at most 100 characters": { key: "nameTooLong", params: { max: 100 } },
  "A name can't contain line breaks, tabs or invisible direction marks": { key: "nameUnsafeCharacters" },
  "Email is required": { key: "emailRequired" },
  "Email must be text": { key: "emailText" },
  "Email must be at most 254 characters": { key: "emailTooLong", params: { max: 254 } },
  "Enter a valid email address": { key: "emailInvalid" },
  "Username is required": { key: "usernameRequired" },
  "Username must be text": { key: "usernameText" },
  [`Username must be at most ${USERNAME_MAX} characters`]: { key: "usernameTooLong", params: { max: USERNAME_MAX } },
  [USERNAME_CHARACTERS]: { key: "usernameCharacters" },
  [USERNAME_EDGES]: { key: "usernameEdges" },
  [USERNAME_MIXED_SCRIPTS]: { key: "usernameMixedAlphabets" },
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
  [CA_NOT_ONLY_CERTIFICATES]: { key: "ldapCaNotOnlyCertificates" },
  [CA_NOT_PEM]: { key: "ldapCaNotPem" },
  [CA_UNREADABLE]: { key: "ldapCaUnreadable" },
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
  [ACCESS_TEXTS.groupsNeeded]: { key: "applicationGroupsNeeded" },
  [ACCESS_TEXTS.everyoneTakesNoGroups]: { key: "applicationEveryoneNoGroups" },
  [ACCESS_TEXTS.nobodyTakesNoGroups]: { key: "applicationNobodyNoGroups" },
  [`At most ${ALLOWED_GROUPS_MAX} groups`]: { key: "groupsAtMost", params: { max: ALLOWED_GROUPS_MAX } },
  [`A whole number of minutes, ${ACCESS_MINUTES.min}–${ACCESS_MINUTES.max}`]: { key: "wholeMinutes", params: ACCESS_MINUTES },
  [`A whole number of days, ${REFRESH_DAYS.min}–${REFRESH_DAYS.max}`]: { key: "wholeDays", params: REFRESH_DAYS },
  // more refusals a person meets in the dashboard (users, owner, applications, invites, LDAP)
  "A service user can't be the owner": { key: "serviceUserNotOwner" },
  "The owner role can't be assigned; transfer ownership instead": { key: "ownerRoleNotAssignable" },
  "The owner role can't be given to a new user": { key: "ownerRoleNotForNewUser" },
  "The type can't change": { key: "applicationTypeFixed" },
  "Only web apps have a client secret: single-page apps sign in with PKCE, device apps with a code approved on another screen": { key: "clientSecretWebOnly" },
  [SECRET_ROTATED_MEANWHILE]: { key: "clientSecretRotatedMeanwhile" },
  "Only the owner can reset the owner's two-factor sign-in": { key: "onlyOwnerResetsOwnerTwoFactor" },
  "Remove your own second factors in Profile, which asks you to prove it's you": { key: "ownTwoFactorInProfile" },
  [LAST_FACTOR_REQUIRED]: { key: "lastFactorRequired" },
  "This user holds permissions you don't; ask someone who holds them": { key: "holdsPermissionsYouDont" },
  "Someone this change affects holds permissions you don't; ask someone who holds them": { key: "affectsSomeoneWhoOutranks" },
  "Unblock this user before transferring ownership to them": { key: "unblockBeforeTransfer" },
  "Approve this person before transferring ownership to them": { key: "approveBeforeTransfer" },
  "Changing someone's email needs permission to reset passwords": { key: "emailNeedsResetPermission" },
  "Marking an email confirmed or not needs permission to reset passwords": { key: "emailProofNeedsResetPermission" },
  "Change your own email in Profile: it asks for your password and confirms the new address": { key: "ownEmailFromProfile" },
  "There is no email address to confirm": { key: "personHasNoEmailToConfirm" },
  "Confirm the ownership transfer": { key: "confirmTransfer" },
  "This user has no local password; they sign in through an identity provider": { key: "noLocalPasswordUser" },
  "This invite has no email address: regenerate its link and hand it over instead": { key: "inviteHasNoEmail" },
  "This person has no email address": { key: "personHasNoEmail" },
  "Bind password is required": { key: "bindPasswordRequired" },
  // activity filters
  "from must be before to": { key: "fromBeforeTo" },
  // two-factor, passkeys, tokens, groups, email
  "Your email comes from your identity provider; change it there": { key: "emailFromProvider" },
  "You have no email address to confirm": { key: "noEmailToConfirm" },
  "Your email address is already confirmed": { key: "emailAlreadyConfirmed" },
  "Unknown group": { key: "unknownGroup" },
  "One of these groups doesn't exist any more": { key: "groupGone" },
  "That code is not right. Try again.": { key: "codeWrongTryAgain" },
  "This passkey is already registered": { key: "passkeyTaken" },
  "That code is not right. Check your app's clock and try the current code.": { key: "codeWrongCheckClock" },
  "Set up a second factor first": { key: "setUpFactorFirst" },
  "That code is not right": { key: "codeWrong" },
  [CODE_REQUIRED]: { key: "codeFromAppRequired" },
  [STEP_CODE_REQUIRED]: { key: "stepCodeRequired" },
  [IDENTIFIER_REQUIRED]: { key: "signInIdentifierRequired" },
  [SIGN_IN_AGAIN]: { key: "signInAgainForFactors", params: { minutes: RECENT_SIGN_IN_MINUTES } },
  "You can't see other users' tokens": { key: "cannotSeeOthersTokens" },
  // sign-in settings' fields by their labels, and their limits
  ...Object.fromEntries(LABELLED),
  "At most 100 group mappings": { key: "atMostGroupMappings", params: { max: 100 } },
  "At most 50 domains": { key: "atMostDomains", params: { max: 50 } },
  "At most 50 ranges": { key: "atMostRanges", params: { max: 50 } },
  "At most 200 groups": { key: "groupsAtMost", params: { max: 200 } },
  [`Role must be one of: ${ROLES.join(", ")}`]: { key: "roleOneOf", params: { roles: ROLES.join(", ") } },
  [`Default role must be one of: ${GRANTABLE_ROLES.join(", ")}`]: { key: "defaultRoleOneOf", params: { roles: GRANTABLE_ROLES.join(", ") } },
  "from must be a date (YYYY-MM-DD) or an ISO 8601 time": { key: "fromDate" },
  "to must be a date (YYYY-MM-DD) or an ISO 8601 time": { key: "toDate" },
  "Issuer URL must not contain credentials, a query or a fragment": { key: "issuerNoExtras" },
  "Scopes are words separated by spaces": { key: "scopesWords" },
  "Existing users can only sign in through the provider when linking by verified email is allowed": { key: "linkingNeededForExisting" },
  "ldap:// without StartTLS sends the bind password and every person's password unencrypted: use ldaps:// or StartTLS, or allow unencrypted connections explicitly": {
    key: "ldapUnencrypted",
  },
  "LDAP group is required": { key: "ldapGroupRequired" },
  "Group is required": { key: "groupRequired" },
  "LDAP is not configured yet.": { key: "ldapNotConfigured" },
  "This would leave the owner with no way to sign in. Keep local sign-in on, or have the owner sign in once through an enabled identity provider first.": { key: "ownerWayIn" },
  "Only the owner can change or test the LDAP settings": { key: "onlyOwnerLdap" },
  "Only the owner can change identity providers": { key: "onlyOwnerProviders" },
  // mail settings
  "Must be a host name or address": { key: "mustBeHost" },
  "Must be a host name or address, like mail.example.com": { key: "mustBeHostLike" },
  "Must be none, starttls or tls": { key: "mustBeMailSecurity" },
  "Must be text": { key: "mustBeText" },
  "Must be true or false": { key: "mustBeTrueOrFalse" },
  "Must be an email address": { key: "mustBeEmail" },
  "Must be an email address, like latchkey@example.com": { key: "mustBeEmailLike" },
  "Must be an http:// or https:// address": { key: "mustBeHttpAddress" },
  "Must be an http:// or https:// address without a path, like https://team.example.com": { key: "mustBeHttpAddressLike" },
  "At most 120 characters": { key: "atMostCharacters", params: { max: 120 } },
  "At most 320 characters": { key: "atMostCharacters", params: { max: 320 } },
  "At most 1024 characters": { key: "atMostCharacters", params: { max: 1024 } },
  "At most 2000 characters": { key: "atMostCharacters", params: { max: 2000 } },
  "Mail needs a sender address": { key: "mailNeedsSender" },
  "Set the public address first: links in mail start with it": { key: "publicAddressFirst" },
  // two-factor and passkeys
  "Enter the 6-digit code": { key: "enterSixDigitCode" },
  "Enter the 6-digit code from your app": { key: "enterSixDigitCodeFromApp" },
  "Enter your password": { key: "enterYourPassword" },
  "An authenticator app is already set up. Remove it first to set up another.": { key: "authenticatorAlreadySetUp" },
  "Start setting up the authenticator app again": { key: "authenticatorStartAgain" },
  "Authenticator app not found": { key: "authenticatorNotFound" },
  "You can only set up your own second factor": { key: "ownSecondFactorOnly" },
  "You can only remove your own second factor": { key: "ownSecondFactorRemoveOnly" },
  "You can only make your own recovery codes": { key: "ownRecoveryCodesOnly" },
  "Name the passkey": { key: "namePasskey" },
  "Name the passkey (for example, the device it is on)": { key: "namePasskeyDevice" },
  [`At most ${PASSKEY_NAME_MAX} characters`]: { key: "atMostCharacters", params: { max: PASSKEY_NAME_MAX } },
  "The passkey was not registered: your browser's answer didn't check out. Try again.": { key: "passkeyNotRegistered" },
  "Adding the passkey took too long. Start again.": { key: "passkeyTookTooLong" },
  "You can only add your own passkeys": { key: "ownPasskeysAddOnly" },
  "You can only rename your own passkeys": { key: "ownPasskeysRenameOnly" },
  "You can only remove your own passkeys": { key: "ownPasskeysRemoveOnly" },
  "Passkeys need this instance's public address. Set PUBLIC_URL (or the public address in Settings → Email) to the address people open, then try again.": {
    key: "passkeysNeedPublicUrl",
  },
  [REQUIRE_FOR_TEXT]: { key: "chooseWhoNeedsTwoFactor", params: { values: MFA_REQUIREMENTS.join(", ") } },
  "Enter a number of days": { key: "enterNumberOfDays" },
  "Enter whole days": { key: "enterWholeDays" },
  "Can't be negative": { key: "cantBeNegative" },
  "At most 365 days": { key: "atMostDays", params: { max: 365 } },
  "Only the owner can change who must use two-factor sign-in": { key: "onlyOwnerChangesTwoFactorPolicy" },
  "Your sign-in timed out. Sign in again.": { key: "signInTimedOut" },
  // roles, applications, appearance
  "Each permission must be a name such as users:read": { key: "permissionNameFormat" },
  "Too many permissions": { key: "tooManyPermissions" },
  "Too many roles": { key: "tooManyRoles" },
  "Built-in roles can't be changed or deleted": { key: "builtInRolesFixed" },
  "The type can't change once registered: register a new application instead": { key: "applicationTypeFixedRegisterNew" },
  "App access not found": { key: "appAccessNotFound" },
  "Only the owner can change the appearance": { key: "onlyOwnerAppearance" },
  // people, their links, passwords and email
  "Your account is no longer active": { key: "accountNotActive" },
  "Your session has ended": { key: "sessionEndedShort" },
  "This user is not waiting for approval": { key: "notWaitingForApproval" },
  "The link is incomplete": { key: "linkIncomplete" },
  "This link is invalid, used or expired. Change your email again from your profile.": { key: "emailLinkInvalid" },
  "This link is invalid, used or expired. Ask for a new one.": { key: "resetLinkInvalid" },
  "This is already your email address": { key: "alreadyYourEmail" },
  "You can only change your own email": { key: "ownEmailOnly" },
  "Current password is required": { key: "currentPasswordRequired" },
  "You can only change your own password": { key: "ownPasswordOnly" },
  "This account has no local password; it signs in through an identity provider": { key: "noLocalPasswordAccount" },
  "The owner role can't be given to a new user; transfer ownership to an existing user instead": { key: "ownerRoleNotForNewUserTransfer" },
  "The email of a user from an identity provider comes from the provider": { key: "emailFromProviderOfUser" },
  "Changing your own username is turned off here (the owner can allow it under Settings → Identity providers → Usernames); ask an admin to change it": {
    key: "ownUsernameNotAllowed",
  },
  "Only you can change your name here": { key: "ownNameOnly" },
  "Only you can choose your language": { key: "ownLanguageOnly" },
  "Choose a username: you will sign in with it": { key: "chooseUsernameForInvite" },
  "Select at least one invite": { key: "selectOneInvite" },
  "Select at least one user": { key: "selectOneUser" },
  "Only the person who owns these tokens can see or manage them, from their profile": { key: "ownTokensOnly" },
  "Setup has already been completed. Sign in instead.": { key: "setupAlreadyDone" },
  "Must be valid Unicode text (it contains an unpaired surrogate)": { key: "unicodeText" },
  "Must not contain a NUL character": { key: "nulText" },
  "Some text contains characters that can't be stored": { key: "unstorableText" },
  "Unknown field": { key: "unknownField" },
  "Too many invite requests from your address. Wait a minute and try again.": { key: "inviteLookupLimited" },
  "Too many attempts to accept an invite from your address. Wait a few minutes and try again.": { key: "inviteAcceptLimited" },
  // what someone without the permission is told
  "You don't have permission to register applications": { key: "noPermissionRegisterApplications" },
  "You don't have permission to change applications": { key: "noPermissionChangeApplications" },
  "You don't have permission to delete applications": { key: "noPermissionDeleteApplications" },
  "You don't have permission to withdraw invites": { key: "noPermissionWithdrawInvites" },
  "You don't have permission to change users' roles": { key: "noPermissionChangeUsersRoles" },
  "You don't have permission to change groups": { key: "noPermissionChangeGroups" },
  "You don't have permission to create roles": { key: "noPermissionCreateRoles" },
  "You don't have permission to change roles": { key: "noPermissionChangeRoles" },
  "You don't have permission to delete roles": { key: "noPermissionDeleteRoles" },
  "You don't have permission to see service users' tokens": { key: "noPermissionSeeServiceTokens" },
  "You don't have permission to manage service users' tokens": { key: "noPermissionManageServiceTokens" },
  "You don't have permission to approve or reject users": { key: "noPermissionApproveUsers" },
  "You don't have permission to manage users": { key: "noPermissionManageUsers" },
  "You don't have permission to invite people": { key: "noPermissionInvite" },
  "You don't have permission to reset passwords": { key: "noPermissionResetPasswords" },
  "You don't have permission to sign other people out": { key: "noPermissionSignOthersOut" },
  "You don't have permission to unlock sign-in": { key: "noPermissionUnlockSignIn" },
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
