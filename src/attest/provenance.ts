import { AttestError } from './errors.ts';
import { normaliseSourceUri } from './source-uri.ts';
import { isRecord } from './statement.parser.ts';
import { optObject, optString, optTime, PREDICATE, requiredString } from './predicate-fields.ts';

/**
 * SLSA provenance → plain facts the graph stores and policy reads.
 *
 * v0.2: https://slsa.dev/spec/v0.2/provenance
 * v1:   https://slsa.dev/spec/v1.0/provenance
 * Build types handled specially for the source:
 * - GitHub Actions workflow: https://actions.github.io/buildtypes/workflow/v1
 *   (and the community copy https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1)
 * - slsa-github-generator BYOB / container-based: `externalParameters.source`.
 *
 * Parsing rules (in-toto spec/v1/README.md#parsing-rules): unknown fields are
 * ignored; only fields we read are type-checked.
 */
export interface ProvenanceFacts {
  builderId: string;
  buildType?: string;
  sourceUri?: string;
  /** e.g. `github.com/o/r` (see normaliseSourceUri). */
  sourceRepo?: string;
  sourceRef?: string;
  sourceCommit?: string;
  invocationId?: string;
  runId?: string;
  startedOn?: Date;
  finishedOn?: Date;
  materials: Array<{ uri?: string; digest?: Record<string, string> }>;
}

export type ProvenanceKind = 'slsa-provenance-v0.2' | 'slsa-provenance-v1';

export function toProvenanceFacts(kind: ProvenanceKind, predicate: unknown): ProvenanceFacts {
  switch (kind) {
    case 'slsa-provenance-v0.2':
      return fromV02(predicate);
    case 'slsa-provenance-v1':
      return fromV1(predicate);
    default: {
      const never: never = kind;
      throw new AttestError('PREDICATE_INVALID', `not a provenance kind: ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------- helpers

const P = PREDICATE;

function digestSet(v: unknown, at: string): Record<string, string> | undefined {
  const o = optObject(v, at);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val !== 'string') throw new AttestError('PREDICATE_INVALID', 'digest values must be strings', `${at}/${k}`);
    out[k] = val;
  }
  return out;
}
function descriptors(v: unknown, at: string): ProvenanceFacts['materials'] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new AttestError('PREDICATE_INVALID', 'must be an array', at);
  return v.map((m, i) => {
    const o = optObject(m, `${at}/${i}`) ?? {};
    const out: ProvenanceFacts['materials'][number] = {};
    const uri = optString(o['uri'], `${at}/${i}/uri`);
    const digest = digestSet(o['digest'], `${at}/${i}/digest`);
    if (uri !== undefined) out.uri = uri;
    if (digest !== undefined) out.digest = digest;
    return out;
  });
}
/** Git commit from a DigestSet: v1 uses `gitCommit`, v0.2 generators use `sha1`. */
function commitOf(d: Record<string, string> | undefined): string | undefined {
  return d?.['gitCommit'] ?? d?.['sha1'];
}

/**
 * GitHub Actions run id: from an invocation URL
 * (`https://github.com/o/r/actions/runs/<id>/attempts/<n>`, as in the GitHub
 * Actions buildType's runDetails.metadata.invocationId) or from the
 * `<run_id>-<attempt>` form slsa-github-generator writes in v0.2.
 */
export function runIdFromInvocation(invocationId: string): string | undefined {
  const url = /\/actions\/runs\/(\d+)(?:\/attempts\/\d+)?\/?$/.exec(invocationId);
  if (url) return url[1];
  const pair = /^(\d+)-\d+$/.exec(invocationId);
  return pair ? pair[1] : undefined;
}
function runIdValue(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  return undefined;
}

function setSource(f: ProvenanceFacts, uri: string | undefined, commit: string | undefined): void {
  if (uri !== undefined) {
    f.sourceUri = uri;
    const n = normaliseSourceUri(uri);
    f.sourceRepo = n.repo;
    if (n.ref !== undefined) f.sourceRef = n.ref;
    if (n.commit !== undefined) f.sourceCommit = n.commit;
  }
  if (commit !== undefined) f.sourceCommit = commit;
}

// ---------------------------------------------------------------- v0.2

function fromV02(predicate: unknown): ProvenanceFacts {
  const p = optObject(predicate, P) ?? {};
  const builder = optObject(p['builder'], `${P}/builder`);
  const f: ProvenanceFacts = {
    builderId: requiredString(builder?.['id'], `${P}/builder/id`),
    materials: descriptors(p['materials'], `${P}/materials`),
  };
  const buildType = optString(p['buildType'], `${P}/buildType`);
  if (buildType !== undefined) f.buildType = buildType;

  const invocation = optObject(p['invocation'], `${P}/invocation`);
  const configSource = optObject(invocation?.['configSource'], `${P}/invocation/configSource`);
  if (configSource) {
    // v0.2 §invocation.configSource: "the source of the build configuration"
    // — for slsa-github-generator that is the repo the workflow ran in.
    setSource(
      f,
      optString(configSource['uri'], `${P}/invocation/configSource/uri`),
      commitOf(digestSet(configSource['digest'], `${P}/invocation/configSource/digest`)),
    );
  } else {
    const m = f.materials.find((x) => x.uri?.startsWith('git+'));
    if (m) setSource(f, m.uri, commitOf(m.digest));
  }

  const metadata = optObject(p['metadata'], `${P}/metadata`);
  // The spec spells it `buildInvocationId`; slsa-github-generator emits `buildInvocationID`.
  const inv =
    optString(metadata?.['buildInvocationId'], `${P}/metadata/buildInvocationId`) ??
    optString(metadata?.['buildInvocationID'], `${P}/metadata/buildInvocationID`);
  if (inv !== undefined) f.invocationId = inv;
  const started = optTime(metadata?.['buildStartedOn'], `${P}/metadata/buildStartedOn`);
  const finished = optTime(metadata?.['buildFinishedOn'], `${P}/metadata/buildFinishedOn`);
  if (started) f.startedOn = started;
  if (finished) f.finishedOn = finished;

  const env = invocation?.['environment'];
  const runId = (isRecord(env) ? runIdValue(env['github_run_id']) : undefined) ?? (inv ? runIdFromInvocation(inv) : undefined);
  if (runId !== undefined) f.runId = runId;
  return f;
}

// ---------------------------------------------------------------- v1

/** buildTypes whose externalParameters.workflow = {repository, ref, path}. */
const GITHUB_WORKFLOW_BUILD_TYPES = new Set([
  'https://actions.github.io/buildtypes/workflow/v1',
  'https://github.com/actions/buildtypes/workflow/v1',
  'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
  'https://slsa.dev/github-actions-workflow/v1',
]);

function fromV1(predicate: unknown): ProvenanceFacts {
  const p = optObject(predicate, P) ?? {};
  const def = optObject(p['buildDefinition'], `${P}/buildDefinition`);
  const run = optObject(p['runDetails'], `${P}/runDetails`);
  const builder = optObject(run?.['builder'], `${P}/runDetails/builder`);
  const D = `${P}/buildDefinition`;
  const f: ProvenanceFacts = {
    builderId: requiredString(builder?.['id'], `${P}/runDetails/builder/id`),
    materials: descriptors(def?.['resolvedDependencies'], `${D}/resolvedDependencies`),
  };
  const buildType = optString(def?.['buildType'], `${D}/buildType`);
  if (buildType !== undefined) f.buildType = buildType;

  const ext = optObject(def?.['externalParameters'], `${D}/externalParameters`);
  const gitDeps = f.materials.filter((m) => m.uri?.startsWith('git+'));
  const bareType = buildType?.replace(/\?.*$/, '');

  const workflow = ext && bareType && GITHUB_WORKFLOW_BUILD_TYPES.has(bareType)
    ? optObject(ext['workflow'], `${D}/externalParameters/workflow`)
    : undefined;
  const source = ext?.['source'];
  if (workflow) {
    // GitHub Actions buildType: the repository is an https URL and the ref is
    // separate; the commit is only in resolvedDependencies (as `gitCommit`).
    const repository = requiredString(workflow['repository'], `${D}/externalParameters/workflow/repository`);
    const ref = optString(workflow['ref'], `${D}/externalParameters/workflow/ref`);
    const repo = normaliseSourceUri(repository).repo;
    const dep = gitDeps.find((m) => m.uri !== undefined && normaliseSourceUri(m.uri).repo === repo);
    setSource(f, dep?.uri ?? `git+${repository}${ref ? `@${ref}` : ''}`, commitOf(dep?.digest));
    f.sourceRepo = repo;
    if (ref !== undefined) f.sourceRef = ref;
  } else if (typeof source === 'string') {
    setSource(f, source, undefined);
  } else if (isRecord(source)) {
    // slsa-github-generator container-based / BYOB: `source: {uri, digest}`.
    setSource(
      f,
      optString(source['uri'], `${D}/externalParameters/source/uri`),
      commitOf(digestSet(source['digest'], `${D}/externalParameters/source/digest`)),
    );
  } else {
    // No known parameter names the source: fall back to the first git
    // dependency that is pinned to a commit (SLSA v1 §resolvedDependencies).
    const dep = gitDeps.find((m) => commitOf(m.digest) !== undefined);
    if (dep) setSource(f, dep.uri, commitOf(dep.digest));
  }
  // A source given without commit: take it from the matching pinned dependency.
  if (f.sourceCommit === undefined && f.sourceRepo !== undefined) {
    const dep = gitDeps.find((m) => m.uri !== undefined && normaliseSourceUri(m.uri).repo === f.sourceRepo && commitOf(m.digest));
    const c = commitOf(dep?.digest);
    if (c !== undefined) f.sourceCommit = c;
  }

  const md = optObject(run?.['metadata'], `${P}/runDetails/metadata`);
  const inv = optString(md?.['invocationId'], `${P}/runDetails/metadata/invocationId`);
  if (inv !== undefined) f.invocationId = inv;
  const started = optTime(md?.['startedOn'], `${P}/runDetails/metadata/startedOn`);
  const finished = optTime(md?.['finishedOn'], `${P}/runDetails/metadata/finishedOn`);
  if (started) f.startedOn = started;
  if (finished) f.finishedOn = finished;

  const internal = optObject(def?.['internalParameters'], `${D}/internalParameters`);
  const gh = internal?.['github'];
  const runId =
    (inv ? runIdFromInvocation(inv) : undefined) ??
    (isRecord(gh) ? runIdValue(gh['run_id']) : undefined) ??
    runIdValue(internal?.['GITHUB_RUN_ID']);
  if (runId !== undefined) f.runId = runId;
  return f;
}
