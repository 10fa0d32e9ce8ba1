-- A token may be minted to expire (a CI job's, a contractor's): past expires_at it is refused,
-- as if revoked, without anyone acting. NULL: it lasts until revoked.
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
