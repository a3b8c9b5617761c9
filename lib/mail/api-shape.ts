/** Mail settings and deliveries as the REST API returns them (snake_case; never the SMTP password, and the username only to the owner). */
import type { Delivery } from "./deliveries";
import type { MailSettingsView } from "./settings";

export function toApiMailSettings(s: MailSettingsView) {
  return {
    source: s.source,
    host: s.host,
    port: s.port,
    security: s.security,
    username: s.username,
    has_username: s.hasUsername,
    has_password: s.hasPassword,
    from_name: s.fromName,
    from_address: s.fromAddress,
    public_url: s.publicUrl,
    public_url_from_environment: s.publicUrlFromEnvironment,
    notices: {
      password_changed: s.notices.passwordChanged,
      two_factor_changed: s.notices.twoFactorChanged,
      access_token_created: s.notices.accessTokenCreated,
      new_browser: s.notices.newBrowser,
    },
    enabled: s.enabled,
  };
}

export function toApiDelivery(d: Delivery) {
  return {
    id: d.id,
    to: d.to,
    subject: d.subject,
    kind: d.kind,
    state: d.state,
    attempts: d.attempts,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    sent_at: d.sentAt ? d.sentAt.toISOString() : null,
    next_try_at: d.nextTryAt ? d.nextTryAt.toISOString() : null,
  };
}
