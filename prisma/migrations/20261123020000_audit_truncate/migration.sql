-- The append-only audit log refuses TRUNCATE as well: row-level triggers never see a TRUNCATE, so a
-- statement-level one guards it.
CREATE TRIGGER "audit_logs_no_truncate" BEFORE TRUNCATE ON "audit_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_logs_refuse_change"();
