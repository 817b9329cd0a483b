// The shapes of API v1 responses as the pages read them (API.md, Identity). snake_case as on the wire.

export type Role = "member" | "admin" | "billing_owner";

export type WorkspaceSummary = { slug: string; name: string; roles: Role[] };

export type Member = {
  user_id: string;
  email: string;
  name: string;
  roles: Role[];
  joined_at: string;
  version: number;
};

export type Invitation = {
  id: string;
  email: string;
  roles: Role[];
  url?: string;
  expires_at: string;
  created_at: string;
};

export type InvitationPreview = {
  email: string;
  roles: Role[];
  expires_at: string;
  workspace: { slug: string; name: string };
};

export type ApiToken = {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  created_at: string;
  last_used_at: string | null;
};

export type DeviceSession = {
  id: string;
  device_label: string;
  ip_address: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  current: boolean;
};

export type Page<T> = { data: T[]; next_cursor: string | null };
