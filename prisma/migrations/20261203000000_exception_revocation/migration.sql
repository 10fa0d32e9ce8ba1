-- An exception can be withdrawn before it expires (granted by mistake, or the fix shipped early).
-- The row stays, for the record; the decision path reads only exceptions neither expired nor
-- revoked.
ALTER TABLE policy_exception ADD COLUMN revoked_at timestamptz;
ALTER TABLE policy_exception ADD COLUMN revoked_by text;
