// The identity module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  status: 'active' | 'deactivated';
  created_at: string;
  updated_at: string;
  email_verified_at: string | null;
  password_changed_at: string | null;
  last_login_at: string | null;
  last_org_id: string | null;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  /** a built-in role (rbac.ts) or `custom:<slug>` (org_roles) */
  role: string;
  created_at: string;
  deactivated_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string; // JSON array of permissions
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  realm: 'staff' | 'portal';
  org_id: string | null;
  user_id: string | null;
  client_id: string | null;
  contact_id: string | null;
  /** 'full'; or a partial session that may only finish signing in: 'mfa' (second factor due), 'enrol' (must enrol a factor) */
  level: 'full' | 'mfa' | 'enrol';
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  authenticated_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  /** space-separated authentication methods of this session (pwd, totp, recovery, passkey) */
  amr: string;
}

export interface UserTotpTable {
  user_id: string;
  key_org_id: string; // the org whose data key seals secret_enc
  secret_enc: string;
  confirmed_at: string | null;
  last_step: number; // highest RFC 6238 time step accepted (replay guard)
  created_at: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string; // SHA-256 of a 80-bit random code
  used_at: string | null;
  created_at: string;
}

export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string; // base64url
  public_key: string; // base64url COSE key
  counter: number;
  transports: string; // JSON array
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface WebauthnChallengesTable {
  id: string;
  challenge: string;
  /** staff ceremonies, or the client portal's own (portal-*): a challenge never crosses realms */
  purpose:
    'register' | 'login' | 'mfa' | 'reauth' | 'portal-register' | 'portal-login' | 'portal-mfa' | 'portal-reauth';
  user_id: string | null;
  session_id: string | null;
  expires_at: string;
  created_at: string;
}

export interface AuthThrottleTable {
  key: string; // "acct:<sha256(email)>" or "ip:<address>"
  failures: number;
  last_failure_at: string;
  blocked_until: string | null;
  locked_at: string | null;
}

export interface EmailTokensTable {
  id: string;
  purpose: 'verify_email' | 'email_change' | 'password_reset' | 'unlock' | 'signup';
  token_hash: string;
  user_id: string | null;
  email: string | null;
  data: string | null; // JSON
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface KnownDevicesTable {
  user_id: string;
  device_hash: string;
  first_seen_at: string;
  last_seen_at: string;
}

export interface OrgRolesTable {
  org_id: string;
  key: string; // custom:<slug>
  name: string;
  permissions: string; // JSON array of permissions
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    users: UsersTable;
    memberships: MembershipsTable;
    api_tokens: ApiTokensTable;
    sessions: SessionsTable;
    user_totp: UserTotpTable;
    recovery_codes: RecoveryCodesTable;
    passkeys: PasskeysTable;
    webauthn_challenges: WebauthnChallengesTable;
    auth_throttle: AuthThrottleTable;
    email_tokens: EmailTokensTable;
    invitations: InvitationsTable;
    known_devices: KnownDevicesTable;
    org_roles: OrgRolesTable;
  }
}
