-- The group commit's batch releases the chain lock before its WAL flush, and is answered after it.
--
-- attestant_audit_append holds the chain lock (an advisory transaction lock) until its transaction
-- ends, and a synchronous commit ends only after the WAL flush: every batch waited for the previous
-- batch's fsync before it could even read the chain head, so two batches in flight could never
-- share a flush. This procedure commits the batch with synchronous_commit off, which releases the
-- lock once the commit record is in the WAL buffers, and then commits a second, empty transaction
-- that has a transaction id and so a commit record of its own. That second commit uses the
-- session's synchronous_commit (on by default, or whatever replication the operator configured) and
-- returns only when the WAL is flushed up to its record, which lies after the batch's: when CALL
-- returns, the batch is as durable as a synchronous commit would have made it.
--
-- What a crash can lose is unchanged in kind: only batches whose CALL had not returned, and, since
-- the WAL is one sequence, only a suffix of the chain, never a link in its middle. Readers may see a
-- batch a moment before it is durable (as with any asynchronous commit); nobody is answered before.
--
-- CALL must run outside an explicit transaction block for its COMMIT to be allowed; appends that
-- belong to a caller's transaction (ingests, exceptions, tokens) keep calling the function itself.
CREATE PROCEDURE attestant_audit_append_durable(p_bodies text, p_expected_head text, p_hashes text, p_blobs json, INOUT head text DEFAULT NULL)
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL synchronous_commit = off;
  head := attestant_audit_append(p_bodies, p_expected_head, p_hashes, p_blobs);
  COMMIT;
  PERFORM pg_current_xact_id();
END $$;
