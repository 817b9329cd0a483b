/** Shapes of the operations endpoints (audit log, members' sessions) as the UI reads them. */
export type AuditEntry = {
  id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_token_id: string | null;
  request_id: string | null;
  data: unknown;
  created_at: string;
};

export type AuditFilterValues = { action: string; actor: string; from: string; to: string };
