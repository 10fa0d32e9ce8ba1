-- Decision reasons, stored once per distinct text and referenced from decision events by digest.
--
-- A decision's reasons (messages and evidence, ~2 KB) are the same for every decision about the
-- same artifact under the same policy and facts. Carrying them inline made each audit row ~2.7 KB,
-- and the bytes per group commit, not the WAL flush, bounded decision throughput. A decision event
-- now carries "reasonsDigest": sha256 of the reasons' JSON text, so the hash chain still covers
-- the reasons; `attestant audit verify` checks that every referenced text is here and hashes to
-- its digest. Older events keep their inline "reasons"; the view reads either.
CREATE TABLE decision_reasons (
  digest      text PRIMARY KEY,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER decision_reasons_append_only BEFORE UPDATE OR DELETE ON decision_reasons
  FOR EACH ROW EXECUTE FUNCTION attestant_forbid_change();

-- The batch arrives as three texts (the driver then copies strings, not array elements):
--   p_bodies: the events' JSON bodies joined by newlines (JSON.stringify never emits one);
--   p_hashes: the hashes the writer chained from p_expected_head, joined by commas (or NULL);
--   p_blobs:  a JSON array of [digest, text] pairs to store (if new) with the events.
-- The indexed columns (at, kind, actor, subject) are read from each body, so they cannot disagree
-- with what the hash covers.
DROP FUNCTION attestant_audit_append(timestamptz[], text[], text[], text[], json, text, text[]);
CREATE FUNCTION attestant_audit_append(p_bodies text, p_expected_head text DEFAULT NULL, p_hashes text DEFAULT NULL, p_blobs json DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  head text;
  prev text;
  bodies text[];
  prevs text[];
  hashes text[];
  n integer;
BEGIN
  -- Everything that needs no chain head happens before the lock, so a second batch in flight
  -- (AuditLog runs two) does this work while the first one holds the lock and commits.
  IF p_blobs IS NOT NULL THEN
    INSERT INTO decision_reasons (digest, body)
    SELECT b->>0, b->>1 FROM json_array_elements(p_blobs) AS b
    ON CONFLICT (digest) DO NOTHING;
  END IF;
  bodies := CASE WHEN p_bodies = '' THEN '{}'::text[] ELSE string_to_array(p_bodies, E'\n') END;
  n := coalesce(array_length(bodies, 1), 0);
  PERFORM pg_advisory_xact_lock(7412339002);
  SELECT hash INTO head FROM audit_event ORDER BY seq DESC LIMIT 1;
  head := coalesce(head, repeat('0', 64));
  IF n = 0 THEN RETURN head; END IF;
  IF p_hashes IS NOT NULL AND p_expected_head = head THEN
    hashes := string_to_array(p_hashes, ',');
  END IF;
  IF hashes IS NOT NULL AND array_length(hashes, 1) = n THEN
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
  SELECT (j->>'at')::timestamptz, j->>'kind', j->>'actor', j->>'subject', b, ph, h
  FROM unnest(bodies, prevs, hashes) WITH ORDINALITY AS t(b, ph, h, o)
  CROSS JOIN LATERAL (SELECT b::json AS j) AS parsed
  ORDER BY o;
  RETURN hashes[n];
END $$;

CREATE OR REPLACE VIEW decision AS
SELECT (p->>'decisionId')::uuid     AS id,
       at                           AS created_at,
       subject                      AS artifact_digest,
       p->>'environment'            AS environment,
       p->>'service'                AS service,
       (p->>'allowed')::boolean     AS allowed,
       p->>'mode'                   AS mode,
       p->>'outcome'                AS outcome,
       p->'policy'->>'name'         AS policy_name,
       p->'policy'->>'digest'       AS policy_digest,
       coalesce(p->'reasons', (SELECT r.body::jsonb FROM decision_reasons r WHERE r.digest = p->>'reasonsDigest')) AS reasons
FROM (SELECT at, subject, body::jsonb->'payload' AS p FROM audit_event WHERE kind = 'decision') AS d;
