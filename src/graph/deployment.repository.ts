import type pg from 'pg';
import { upsertArtifacts, upsertService } from './sbom.repository.ts';

/**
 * Records that `artifact` now runs as `service` in `environment`. The previous deployment in that
 * slot is closed (until = now), not overwritten, so history is kept.
 */
export async function recordDeployment(client: pg.ClientBase, d: { artifact: string; service: string; environment: string; decisionId?: string; at?: Date }): Promise<{ id: string; since: Date; replaced: string | null }> {
  const artifactId = (await upsertArtifacts(client, [d.artifact])).get(d.artifact)!;
  const serviceId = await upsertService(client, d.service);
  const at = d.at ?? new Date();
  // Serialise writers of the same slot; the partial unique index backs this up.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`deployment:${serviceId}:${d.environment}`]);
  const { rows: prior } = await client.query<{ id: string; artifact_id: string }>(
    'SELECT id, artifact_id FROM deployment WHERE service_id = $1 AND environment = $2 AND until IS NULL',
    [serviceId, d.environment],
  );
  const current = prior[0];
  if (current && current.artifact_id === artifactId) {
    const { rows } = await client.query<{ since: Date }>('SELECT since FROM deployment WHERE id = $1', [current.id]);
    return { id: current.id, since: rows[0]!.since, replaced: null };
  }
  // Concurrent deployments of one slot take the lock in any order, so this one's time can be
  // earlier than the one it replaces: history must still read as one interval after another.
  let since = at;
  if (current) {
    const { rows: closed } = await client.query<{ until: Date }>('UPDATE deployment SET until = greatest(since, $2) WHERE id = $1 RETURNING until', [current.id, at]);
    since = closed[0]!.until;
  }
  const { rows } = await client.query<{ id: string; since: Date }>(
    'INSERT INTO deployment (artifact_id, service_id, environment, since, decision_id) VALUES ($1, $2, $3, $4, $5) RETURNING id, since',
    [artifactId, serviceId, d.environment, since, d.decisionId ?? null],
  );
  await client.query('INSERT INTO artifact_service (artifact_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [artifactId, serviceId]);
  return { id: rows[0]!.id, since: rows[0]!.since, replaced: current?.id ?? null };
}
