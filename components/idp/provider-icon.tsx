/** Small marks for where a person signs in; decorative (the name is always written beside them). */
import type { SourceKind } from "@/lib/idp/sources";

export type { SourceKind };

export function ProviderIcon({ kind, className = "h-4 w-4" }: { kind: SourceKind; className?: string }) {
  switch (kind) {
    case "google":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className}>
          <path fill="#4285F4" d="M23.5 12.3c0-.8-.1-1.6-.2-2.3H12v4.5h6.5a5.6 5.6 0 0 1-2.4 3.6v3h3.9c2.2-2.1 3.5-5.1 3.5-8.8Z" />
          <path fill="#34A853" d="M12 24c3.2 0 6-1.1 8-2.9l-3.9-3c-1.1.7-2.5 1.2-4.1 1.2-3.1 0-5.8-2.1-6.7-5H1.3v3.1A12 12 0 0 0 12 24Z" />
          <path fill="#FBBC05" d="M5.3 14.3a7.2 7.2 0 0 1 0-4.6V6.6H1.3a12 12 0 0 0 0 10.8l4-3.1Z" />
          <path fill="#EA4335" d="M12 4.8c1.8 0 3.3.6 4.6 1.8l3.4-3.4A12 12 0 0 0 1.3 6.6l4 3.1c.9-2.9 3.6-4.9 6.7-4.9Z" />
        </svg>
      );
    case "microsoft":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className}>
          <path fill="#F25022" d="M1 1h10.5v10.5H1z" />
          <path fill="#7FBA00" d="M12.5 1H23v10.5H12.5z" />
          <path fill="#00A4EF" d="M1 12.5h10.5V23H1z" />
          <path fill="#FFB900" d="M12.5 12.5H23V23H12.5z" />
        </svg>
      );
    case "okta":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className}>
          <circle cx="12" cy="12" r="9" fill="none" stroke="#007DC1" strokeWidth="5" />
        </svg>
      );
    case "oidc":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="8" cy="15" r="4" />
          <path d="m11 12 9-9m-3 3 3 3m-6 0 2 2" strokeLinecap="round" />
        </svg>
      );
    case "ldap":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="9" y="2" width="6" height="5" rx="1" />
          <rect x="2" y="17" width="6" height="5" rx="1" />
          <rect x="16" y="17" width="6" height="5" rx="1" />
          <path d="M12 7v5M5 17v-5h14v5" />
        </svg>
      );
    case "header":
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" />
        </svg>
      );
    case "local":
      return (
        <svg aria-hidden viewBox="0 0 16 16" className={className} fill="currentColor">
          <path d="M8 1a3 3 0 0 0-3 3v2H4a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V7a1 1 0 0 0-1-1h-1V4a3 3 0 0 0-3-3Zm-1.5 5V4a1.5 1.5 0 1 1 3 0v2h-3Z" />
        </svg>
      );
    default:
      return (
        <svg aria-hidden viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="12" cy="12" r="9" />
          <path d="M12 8v5m0 3v.01" strokeLinecap="round" />
        </svg>
      );
  }
}
