-- Appends a batch of audit events to the hash chain in one statement (one round trip).
--
-- Each event arrives as its JSON body (src/audit/chain.ts eventBody) plus the columns repeated from
-- it for indexing; the body is stored verbatim. hash = sha256(prev_hash || '\n' || body).
--
-- The advisory lock serialises appenders across replicas until the transaction commits, so the
-- chain stays linear. Fast path: a writer that knows the head it last wrote passes it with the
-- hashes it chained itself; if the head is still that (no other replica appended in between) they
-- are used as they are, otherwise the chain is computed here from the real head.
-- Returns the new head.
CREATE FUNCTION attestant_audit_append(p_at timestamptz[], p_kind text[], p_actor text[], p_subject text[], p_bodies json,
                                       p_expected_head text DEFAULT NULL, p_hashes text[] DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  head text;
  prev text;
  bodies text[];
  prevs text[];
  hashes text[];
  n integer;
BEGIN
  PERFORM pg_advisory_xact_lock(7412339002);
  SELECT hash INTO head FROM audit_event ORDER BY seq DESC LIMIT 1;
  head := coalesce(head, repeat('0', 64));
  -- json, not jsonb: the bodies are only split out of the array here, never parsed.
  bodies := ARRAY(SELECT e FROM json_array_elements_text(p_bodies) WITH ORDINALITY AS t(e, o) ORDER BY o);
  n := coalesce(array_length(bodies, 1), 0);
  IF n = 0 THEN RETURN head; END IF;
  IF p_hashes IS NOT NULL AND p_expected_head = head AND array_length(p_hashes, 1) = n THEN
    hashes := p_hashes;
    prevs := head || hashes[1:n - 1];
  ELSE
    prev := head;
    prevs := array_fill(NULL::text, ARRAY[n]);
    hashes := array_fill(NULL::text, ARRAY[n]);
    FOR i IN 1 .. n LOOP
      prevs[i] := prev;
      prev := encode(sha256(convert_to(prev || E'\n' || bodies[i], 'UTF8')), 'hex');
      hashes[i] := prev;
    END LOOP;
  END IF;
  INSERT INTO audit_event (at, kind, actor, subject, body, prev_hash, hash)
  SELECT a, k, ac, s, b, ph, h
  FROM unnest(p_at, p_kind, p_actor, p_subject, bodies, prevs, hashes) WITH ORDINALITY AS t(a, k, ac, s, b, ph, h, o)
  ORDER BY o;
  RETURN hashes[n];
END $$;
