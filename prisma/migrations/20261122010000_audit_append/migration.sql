-- Appends a batch of audit events to the hash chain in one statement (one round trip).
-- hash = sha256(prev_hash || '\n' || body), where body is the canonical JSON of the event computed
-- by the application (src/audit/chain.ts) and re-derived from the stored row when verifying.
-- The advisory lock serialises appenders across replicas until the transaction commits, so the
-- chain stays linear.
--
-- Fast path: a writer that knows the head it last wrote passes it with hashes it chained itself;
-- if the head is still that (no other replica appended in between) they are used as they are.
-- Otherwise the chain is computed here from the real head. Returns the new head.
CREATE FUNCTION attestant_audit_append(p_at timestamptz[], p_kind text[], p_actor text[], p_subject text[], p_payload text[], p_body text[],
                                       p_expected_head text DEFAULT NULL, p_hashes text[] DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  head text;
  prev text;
  prevs text[];
  hashes text[];
  n integer := coalesce(array_length(p_kind, 1), 0);
BEGIN
  PERFORM pg_advisory_xact_lock(7412339002);
  SELECT hash INTO head FROM audit_event ORDER BY seq DESC LIMIT 1;
  head := coalesce(head, repeat('0', 64));
  IF n = 0 THEN RETURN head; END IF;
  IF p_hashes IS NOT NULL AND p_expected_head = head THEN
    hashes := p_hashes;
    prevs := head || p_hashes[1:n - 1];
  ELSE
    prev := head;
    prevs := array_fill(NULL::text, ARRAY[n]);
    hashes := array_fill(NULL::text, ARRAY[n]);
    FOR i IN 1 .. n LOOP
      prevs[i] := prev;
      prev := encode(sha256(convert_to(prev || E'\n' || p_body[i], 'UTF8')), 'hex');
      hashes[i] := prev;
    END LOOP;
  END IF;
  INSERT INTO audit_event (at, kind, actor, subject, payload, prev_hash, hash)
  SELECT a, k, ac, s, pl::jsonb, ph, h
  FROM unnest(p_at, p_kind, p_actor, p_subject, p_payload, prevs, hashes) WITH ORDINALITY AS t(a, k, ac, s, pl, ph, h, ord)
  ORDER BY ord;
  RETURN hashes[n];
END $$;
