-- Attestant initial schema: the provenance graph.
-- Applied by src/platform/migrations.ts (recorded in _prisma_migrations like `prisma migrate deploy`).

-- API tokens: only the SHA-256 of the secret is kept. Tokens are 256-bit random values,
-- so a fast hash is enough (no password-style stretching needed) and lookups stay O(1).
CREATE TABLE api_token (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  scopes      text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE artifact (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  digest      text NOT NULL UNIQUE CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
  name        text,
  media_type  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every uploaded SBOM or attestation, byte-exact and immutable, keyed by the SHA-256 of its bytes.
CREATE TABLE document (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  digest      text NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('sbom', 'attestation')),
  media_type  text,
  size_bytes  integer NOT NULL,
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- "Artifact A is built for service S", known before any deployment.
CREATE TABLE artifact_service (
  artifact_id bigint NOT NULL REFERENCES artifact(id),
  service_id  bigint NOT NULL REFERENCES service(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (artifact_id, service_id)
);
CREATE INDEX artifact_service_service_idx ON artifact_service (service_id);

-- One row per distinct component. `key` is the canonical purl, or for components without a
-- usable purl 'name:' || lower(name) || '@' || version, so they stay searchable by name.
CREATE TABLE component (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key          text NOT NULL UNIQUE,
  purl         text,
  package_key  text,
  type         text,
  namespace    text,
  name         text NOT NULL,
  version      text,
  qualifiers   text,
  -- Ecosystem-aware sortable version key (src/purl versionSortKey); byte order = version order.
  version_key  text COLLATE "C",
  name_lower   text GENERATED ALWAYS AS (lower(name)) STORED,
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- Range search: (package_key = $1 AND version_key BETWEEN lo AND hi) is an index range scan.
CREATE INDEX component_package_version_idx ON component (package_key, version_key);
CREATE INDEX component_name_lower_idx ON component (name_lower);

CREATE TABLE sbom (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id        uuid NOT NULL REFERENCES document(id),
  -- Set when the SBOM arrived as the predicate of a verified attestation.
  attestation_id     uuid UNIQUE,
  format             text NOT NULL,
  encoding           text NOT NULL,
  spec_version       text NOT NULL,
  serial_number      text,
  name               text,
  root_component_id  bigint REFERENCES component(id),
  subject_name       text,
  subject_version    text,
  subject_purl       text,
  component_count    integer NOT NULL,
  findings           jsonb NOT NULL DEFAULT '[]',
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sbom_document_plain_idx ON sbom (document_id) WHERE attestation_id IS NULL;

CREATE TABLE sbom_artifact (
  sbom_id      uuid NOT NULL REFERENCES sbom(id),
  artifact_id  bigint NOT NULL REFERENCES artifact(id),
  PRIMARY KEY (sbom_id, artifact_id)
);
CREATE INDEX sbom_artifact_artifact_idx ON sbom_artifact (artifact_id);

-- Membership. parent_component_id is the predecessor on one shortest path from the SBOM's
-- root, so a dependency path is a walk of primary-key lookups instead of a graph search.
CREATE TABLE sbom_component (
  sbom_id              uuid NOT NULL REFERENCES sbom(id),
  component_id         bigint NOT NULL REFERENCES component(id),
  direct               boolean NOT NULL,
  depth                integer,
  parent_component_id  bigint,
  PRIMARY KEY (sbom_id, component_id)
);
-- Where-used: component -> SBOMs.
CREATE INDEX sbom_component_component_idx ON sbom_component (component_id, sbom_id);

CREATE TABLE dependency_edge (
  sbom_id    uuid NOT NULL REFERENCES sbom(id),
  parent_id  bigint NOT NULL,
  child_id   bigint NOT NULL,
  PRIMARY KEY (sbom_id, parent_id, child_id)
);

CREATE TABLE attestation (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id           uuid NOT NULL REFERENCES document(id),
  envelope_index        integer NOT NULL DEFAULT 0,
  envelope              text NOT NULL,
  payload_type          text,
  statement_type        text,
  predicate_type        text NOT NULL,
  predicate_kind        text NOT NULL,
  predicate             jsonb,
  signer_kind           text NOT NULL CHECK (signer_kind IN ('keyless', 'key')),
  signer_issuer         text,
  signer_identity       text,
  signer_key_name       text,
  signer_key_id         text,
  signer_github         jsonb,
  trusted_root          text,
  tlog_log_index        bigint,
  tlog_log_id           text,
  tlog_integrated_time  timestamptz,
  tsa_time              timestamptz,
  verified_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, envelope_index)
);

CREATE TABLE attestation_subject (
  attestation_id  uuid NOT NULL REFERENCES attestation(id),
  artifact_id     bigint NOT NULL REFERENCES artifact(id),
  name            text,
  PRIMARY KEY (attestation_id, artifact_id)
);
CREATE INDEX attestation_subject_artifact_idx ON attestation_subject (artifact_id);

CREATE TABLE provenance (
  attestation_id  uuid PRIMARY KEY REFERENCES attestation(id),
  builder_id      text NOT NULL,
  build_type      text,
  source_uri      text,
  source_repo     text,
  source_ref      text,
  source_commit   text,
  invocation_id   text,
  run_id          text,
  started_on      timestamptz,
  finished_on     timestamptz,
  materials       jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE vsa (
  attestation_id       uuid PRIMARY KEY REFERENCES attestation(id),
  verifier_id          text NOT NULL,
  verification_result  text NOT NULL,
  verified_levels      text[] NOT NULL DEFAULT '{}',
  policy_uri           text,
  resource_uri         text,
  time_verified        timestamptz
);

-- Deployments are history: a new deployment of a service to an environment closes the previous one.
CREATE TABLE deployment (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  artifact_id  bigint NOT NULL REFERENCES artifact(id),
  service_id   bigint NOT NULL REFERENCES service(id),
  environment  text NOT NULL,
  since        timestamptz NOT NULL DEFAULT now(),
  until        timestamptz,
  decision_id  uuid
);
CREATE INDEX deployment_current_artifact_idx ON deployment (artifact_id) WHERE until IS NULL;
CREATE UNIQUE INDEX deployment_current_slot_idx ON deployment (service_id, environment) WHERE until IS NULL;


CREATE TABLE policy_exception (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  environment     text NOT NULL,
  artifact_digest text,
  component_purl  text,
  owner           text NOT NULL,
  justification   text NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text,
  CHECK (artifact_digest IS NOT NULL OR component_purl IS NOT NULL)
);
CREATE INDEX policy_exception_env_idx ON policy_exception (environment, expires_at);

-- Append-only, hash-chained audit log. `body` is the event's JSON ({at, kind, actor, subject,
-- payload}: src/audit/chain.ts eventBody) stored verbatim, and
-- hash = sha256(prev_hash || '\n' || body): what is hashed is exactly what is stored. The other
-- columns repeat fields of the body for indexing; the verifier checks that they agree with it.
-- Appenders serialise on an advisory lock (attestant_audit_append) so the chain has no forks.
CREATE TABLE audit_event (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL,
  kind       text NOT NULL,
  actor      text,
  subject    text,
  body       text NOT NULL,
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);

CREATE FUNCTION attestant_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION attestant_forbid_change();

-- A decision is stored once, as an audit event: its whole record (input, result, reasons, policy
-- name and digest) is the event's payload, so the hash chain covers the reasons too, and each
-- decision costs one row. The view gives it the shape of a table.
CREATE INDEX audit_event_decision_idx ON audit_event (subject, at DESC) WHERE kind = 'decision';
CREATE VIEW decision AS
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
       p->'reasons'                 AS reasons
FROM (SELECT at, subject, body::jsonb->'payload' AS p FROM audit_event WHERE kind = 'decision') AS d;
CREATE TRIGGER document_immutable BEFORE UPDATE ON document
  FOR EACH ROW EXECUTE FUNCTION attestant_forbid_change();
