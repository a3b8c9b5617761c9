"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { sayMessage } from "@/lib/errors";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import { changedEntries, setIn } from "@/lib/forms/changed-fields";
import type { SetValue } from "@/lib/data/patch";
import { keptList, type FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { saveLdapSource, testLdapSource } from "@/lib/idp/ldap/source";
import { createProvider, deleteProvider, setProviderEnabled, updateProvider } from "@/lib/idp/providers";
import { testProviderConnection, testSavedProvider } from "@/lib/idp/provider-test";
import { ldapInputSchema, providerInputSchema, providerTestSchema, splitList } from "@/lib/idp/schemas";
import { setLocalSignIn, setUsernameChangeAllowed, updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { refusalRef, type SignInPreview } from "@/lib/idp/external-sign-in";
import { PROXY_SOURCE_NAME } from "@/lib/idp/trusted-header";
import { checkProxyHeader } from "@/lib/idp/trusted-header-check";
import { releaseRetiredUsername } from "@/lib/users/retired-usernames";

const meta = async () => requestMeta(await headers());
/**
 * A box's setting as a schema reads it: unticked (absent) false, ticked ("on", or "true" from a script) true.
 * Any other value goes to the schema as sent, which refuses it at the box: a hand-made value is not read as unticked.
 */
const box = (formData: FormData, name: string): unknown => {
  const value = formData.get(name);
  return value === null ? false : value === "on" || value === "true" ? true : value;
};
const checked = (formData: FormData, name: string) => box(formData, name) === true;

function refreshSettings() {
  revalidatePath("/settings", "layout");
  revalidatePath("/login");
}

// ------------------------------------------------------------ OIDC providers

/** The client secret: shown, never sent back. */
const PROVIDER_SECRETS = ["client_secret"];
/** What a sign-in through the provider depends on: a save changing one of them is tested (updateProviderAction). */
const CONNECTION_FIELDS = ["issuer", "client_id", "client_secret", "allow_internal_addresses", "enabled"];
const PROVIDER_TEXT = ["type", "name", "issuer", "client_id", "scopes", "signup_policy", "allowed_domains", "default_role", "enabled", "allow_linking", "allow_internal_addresses", "require_approval", "accept_privileged_signup"];

/** The form's provider; `autoGroups` as a set edit for an update (lib/forms/changed-fields setIn). */
function providerInput(formData: FormData, autoGroups: SetValue = formData.getAll("auto_groups").map(String)) {
  return {
    type: formData.get("type"),
    name: formData.get("name"),
    issuer: formData.get("issuer"),
    client_id: formData.get("client_id"),
    client_secret: formData.get("client_secret") ?? undefined,
    scopes: formData.get("scopes") ?? undefined,
    enabled: box(formData, "enabled"),
    signup_policy: formData.get("signup_policy") ?? undefined,
    allowed_domains: splitList(formData.get("allowed_domains")),
    default_role: formData.get("default_role") ?? undefined,
    auto_groups: autoGroups,
    allow_linking: box(formData, "allow_linking"),
    allow_internal_addresses: box(formData, "allow_internal_addresses"),
    require_approval: box(formData, "require_approval"),
    accept_privileged_signup: box(formData, "accept_privileged_signup"),
  };
}

export const createProviderAction = serverAction({ needs: "settings:sign_in" }, async (actor, providerId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values: Record<string, string> = { ...formValues(formData, PROVIDER_TEXT), auto_groups: keptList(formData, "auto_groups") };
  let created: string;
  try {
    const input = parseOrThrow(providerInputSchema, providerInput(formData));
    created = (await createProvider(actor, input, await meta(), String(providerId))).id;
    refreshSettings();
  } catch (err) {
    return formStateFromError(err, values, PROVIDER_SECRETS);
  }
  redirect(`/settings/identity-providers/${created}?created=1`);
});

export const updateProviderAction = serverAction({ needs: "settings:sign_in" }, async (actor, providerId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values: Record<string, string> = { ...formValues(formData, PROVIDER_TEXT), auto_groups: keptList(formData, "auto_groups") };
  try {
    const input = providerInput(formData, setIn(formData, "auto_groups"));
    // The confirmation is this request's answer, not a setting that changed: it goes whether or not it did.
    const patch = { ...changedEntries(formData, input), accept_privileged_signup: input.accept_privileged_signup };
    const saved = await updateProvider(actor, String(providerId), patch, await meta());
    refreshSettings();
    const t = await getTranslations("providersPage");
    // Its connection changed and it is on: Test connection on what is now saved, so a secret mistyped or an issuer
    // moved is heard here, not from the people who can't sign in (review 21; the LDAP save does the same).
    if (saved.enabled && CONNECTION_FIELDS.some((field) => field in patch)) {
      const check = await testSavedProvider(actor, saved);
      if (!check.ok) return { status: "success", warning: true, message: t("savedFailing", { name: saved.name, reason: sayMessage(await getTranslations("serverMessages"), check.ref) }) };
    }
    return { status: "success", message: t("saved", { name: saved.name }) };
  } catch (err) {
    return formStateFromError(err, values, PROVIDER_SECRETS);
  }
});

/**
 * "Test connection" on the form, saved or not: the issuer, client ID and secret as typed (an empty secret: the
 * stored one, lib/idp/provider-test.ts). Refused credentials are said at the secret field as well.
 */
export const testProviderAction = serverAction({ needs: "settings:sign_in" }, async (actor, providerId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const input = parseOrThrow(providerTestSchema, {
      issuer: formData.get("issuer"),
      client_id: formData.get("client_id") ?? undefined,
      client_secret: formData.get("client_secret") ?? undefined,
      allow_internal_addresses: box(formData, "allow_internal_addresses"),
    });
    const result = await testProviderConnection(actor, String(providerId), input);
    if (!result.ok) {
      const fieldErrors = result.field === "client_secret" ? { client_secret: [result.message] } : undefined;
      return { status: "error", message: result.message, messageKeys: { [result.message]: result.ref }, ...(fieldErrors && { fieldErrors }) };
    }
    const t = await getTranslations("providersPage");
    const { discovery, client } = result;
    const found = t(discovery.pkce ? "testConnected" : "testNoPkce", { issuer: discovery.issuer, endpoint: discovery.authorizationEndpoint });
    const credentials = !client ? t("testClientNotSent") : client.outcome === "accepted" ? t("testClientAccepted") : sayMessage(await getTranslations("serverMessages"), client.ref);
    return { status: "success", message: `${found} ${credentials}` };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const setProviderEnabledAction = serverAction({ needs: "settings:sign_in" }, async (actor, providerId: string, enabled: boolean, _prev: FormState): Promise<FormState> => {
  try {
    const p = await setProviderEnabled(actor, String(providerId), enabled === true, await meta());
    refreshSettings();
    return { status: "success", message: (await getTranslations("providersPage"))(p.enabled ? "nowEnabled" : "nowDisabled", { name: p.name }) };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const deleteProviderAction = serverAction({ needs: "settings:sign_in" }, async (actor, providerId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteProvider(actor, String(providerId), await meta());
    refreshSettings();
  } catch (err) {
    return formStateFromError(err);
  }
  redirect("/settings/identity-providers?deleted=1");
});

// ------------------------------------------------------------ local sign-in

export const setLocalSignInAction = serverAction({ needs: "settings:sign_in" }, async (actor, enabled: boolean, _prev: FormState): Promise<FormState> => {
  try {
    await setLocalSignIn(actor, { local_login_enabled: enabled === true }, await meta());
    refreshSettings();
    return { status: "success", message: (await getTranslations("providersPage"))(enabled ? "localNowOn" : "localNowOff") };
  } catch (err) {
    return formStateFromError(err);
  }
});

// ------------------------------------------------------------ usernames

export const setUsernameChangeAction = serverAction({ needs: "settings:sign_in" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const allowed = checked(formData, "users_may_change_username");
    await setUsernameChangeAllowed(actor, allowed, await meta());
    refreshSettings();
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("providersPage"))(allowed ? "usernameChangeOn" : "usernameChangeOff") };
  } catch (err) {
    return formStateFromError(err);
  }
});

/** The owner releases a held-back username early (lib/users/retired-usernames.ts): anyone may take it now. */
export const releaseRetiredUsernameAction = serverAction({ needs: "settings:sign_in" }, async (actor, id: string, _prev: FormState): Promise<FormState> => {
  try {
    const { username } = await releaseRetiredUsername(actor, String(id), await meta());
    revalidatePath("/settings/identity-providers");
    return { status: "success", message: (await getTranslations("providersPage"))("heldReleased", { username }) };
  } catch (err) {
    return formStateFromError(err);
  }
});

// ------------------------------------------------------------ LDAP

const LDAP_TEXT = [
  "name",
  "url",
  "tls_ca_certificate",
  "bind_dn",
  "search_base",
  "user_filter",
  "username_attribute",
  "email_attribute",
  "name_attribute",
  "group_search_base",
  "group_filter",
  "group_name_attribute",
  "group_mapping",
  "default_role",
  // Checkboxes: absent when unticked, which the form reads as unticked.
  "enabled",
  "start_tls",
  "auto_create",
  "allow_unencrypted",
  "allow_internal_addresses",
  "accept_privileged_signup",
];

/** The bind password: shown, never sent back. */
const LDAP_SECRETS = ["bind_password"];

/** The mapping editor's rows are one field of the input. */
const LDAP_LIST_FIELDS = { group_mapping: ["map_ldap_group", "map_group_id"] };

/** "ldap group = group id" lines, from the mapping editor's rows. */
function ldapInput(formData: FormData) {
  const ldapGroups = formData.getAll("map_ldap_group").map(String);
  const groupIds = formData.getAll("map_group_id").map(String);
  const mapping = ldapGroups
    .map((ldap_group, i) => ({ ldap_group: ldap_group.trim(), group_id: groupIds[i] ?? "" }))
    .filter((m) => m.ldap_group !== "" || m.group_id !== "");
  const text = (name: string) => {
    const v = formData.get(name);
    return typeof v === "string" ? v : undefined;
  };
  return {
    name: text("name"),
    enabled: box(formData, "enabled"),
    url: text("url"),
    start_tls: box(formData, "start_tls"),
    tls_ca_certificate: text("tls_ca_certificate"),
    bind_dn: text("bind_dn"),
    bind_password: text("bind_password"),
    search_base: text("search_base"),
    user_filter: text("user_filter"),
    username_attribute: text("username_attribute"),
    email_attribute: text("email_attribute"),
    name_attribute: text("name_attribute"),
    group_search_base: text("group_search_base"),
    group_filter: text("group_filter"),
    group_name_attribute: text("group_name_attribute"),
    group_mapping: mapping,
    auto_create: box(formData, "auto_create"),
    default_role: text("default_role"),
    allow_unencrypted: box(formData, "allow_unencrypted"),
    allow_internal_addresses: box(formData, "allow_internal_addresses"),
    accept_privileged_signup: box(formData, "accept_privileged_signup"),
  };
}

export const saveLdapAction = serverAction({ needs: "settings:sign_in" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = { ...formValues(formData, LDAP_TEXT), group_mapping: JSON.stringify(ldapInput(formData).group_mapping) };
  try {
    const input = ldapInput(formData);
    // The confirmation is this request's answer, not a setting that changed: it goes whether or not it did.
    const patch = { ...changedEntries(formData, input, LDAP_LIST_FIELDS), accept_privileged_signup: input.accept_privileged_signup };
    const saved = await saveLdapSource(actor, patch, await meta());
    refreshSettings();
    const t = await getTranslations("ldapPage");
    if (!saved.enabled) return { status: "success", message: t("savedOff") };
    // On: Test connection on what is now saved, so that "directory users can sign in" is said only when they can
    // (review 21: a wrong search base or bind was saved, on, with that message, and every directory sign-in failed).
    const check = await testLdapSource(actor);
    if (check.ok) return { status: "success", message: t("savedOn") };
    const reason = check.ref ? sayMessage(await getTranslations("serverMessages"), check.ref) : check.message;
    return { status: "success", warning: true, message: t("savedOnFailing", { reason }) };
  } catch (err) {
    return formStateFromError(err, values, LDAP_SECRETS);
  }
});

export const testLdapAction = serverAction({ needs: "settings:sign_in" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const input = parseOrThrow(ldapInputSchema, ldapInput(formData));
    const result = await testLdapSource(actor, input);
    return { status: result.ok ? "success" : "error", message: result.message, ...(result.ref && { messageKeys: { [result.message]: result.ref } }) };
  } catch (err) {
    // The test's message is shown beside its button, away from the fields: say what to fix there.
    const state = formStateFromError(err);
    const fields = Object.values(state.fieldErrors ?? {}).flat();
    if (fields.length === 0) return state;
    // Joined, the texts are no longer the keyed ones: each is said in the person's language first.
    const t = await getTranslations("serverMessages");
    const said = fields.map((text) => (state.messageKeys && Object.hasOwn(state.messageKeys, text) ? sayMessage(t, state.messageKeys[text]) : text));
    return { ...state, message: said.join(" ") };
  }
});

// ------------------------------------------------------------ trusted header

export const saveTrustedHeaderAction = serverAction({ needs: "settings:sign_in" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["enabled", "trusted_ranges", "user_header", "email_header", "name_header", "auto_create", "default_role", "accept_privileged_signup"]);
  try {
    const input = {
      enabled: box(formData, "enabled"),
      trusted_ranges: splitList(formData.get("trusted_ranges")),
      user_header: formData.get("user_header") ?? undefined,
      email_header: formData.get("email_header") ?? undefined,
      name_header: formData.get("name_header") ?? undefined,
      auto_create: box(formData, "auto_create"),
      default_role: formData.get("default_role") ?? undefined,
    };
    const accept = box(formData, "accept_privileged_signup");
    const saved = await updateTrustedHeader(actor, { ...changedEntries(formData, input), accept_privileged_signup: accept }, await meta());
    refreshSettings();
    return { status: "success", message: (await getTranslations("proxyPage"))(saved.headerEnabled ? "savedOn" : "savedOff") };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

/** Whom the header would sign in as, said in the person's language. */
async function signsInAsText(preview: SignInPreview): Promise<string> {
  const t = await getTranslations("proxyPage");
  if (preview.outcome === "existing") return t("testSignsInAs", { name: preview.user.label });
  if (preview.outcome === "new") return t("testCreates");
  return t("testRefused", { reason: sayMessage(await getTranslations("serverMessages"), refusalRef(preview.reason, PROXY_SOURCE_NAME)) });
}

/** "Test" for the proxy header: what this very request carries, and whom it would sign in as (lib/idp/trusted-header-check.ts). */
export const testTrustedHeaderAction = serverAction({ needs: "settings:sign_in" }, async (actor, _prev: FormState): Promise<FormState> => {
  try {
    const request = await headers();
    const check = await checkProxyHeader(actor, request, requestMeta(request));
    const t = await getTranslations("proxyPage");
    const said = [
      check.enabled ? null : t("testOff"),
      check.peer === null ? t("testPeerUnknown") : t(check.trustedPeer ? "testPeerTrusted" : "testPeerUntrusted", { address: check.peer }),
      t(!check.headerPresent ? "testHeaderMissing" : check.trustedPeer && !check.signsInAs ? "testHeaderNamesNobody" : "testHeaderPresent", { header: check.userHeader }),
      check.signsInAs ? await signsInAsText(check.signsInAs) : null,
    ];
    const signsIn = check.signsInAs !== null && check.signsInAs.outcome !== "refused";
    return { status: signsIn ? "success" : "error", message: said.filter((line) => line !== null).join(" ") };
  } catch (err) {
    return formStateFromError(err);
  }
});
