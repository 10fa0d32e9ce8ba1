/**
 * AdmissionReview v1 → the request facts and every container image in it.
 * Pure: no I/O, never throws anything but AdmissionError.
 *
 * Request shape:
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#request
 * https://kubernetes.io/docs/reference/config-api/apiserver-admission.v1/#admission-k8s-io-v1-AdmissionRequest
 */
import { AdmissionError } from './admission-error.ts';
import { parseImageDigest } from './image-ref.ts';

/** The operations an AdmissionRequest can carry (AdmissionRequest.operation). */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionRequestInfo {
  uid: string;
  kind: GroupVersionKind;
  namespace?: string;
  name?: string;
  operation: AdmissionOperation;
  /** Set when the request targets a subresource (`status`, `ephemeralcontainers`, `scale`, …). */
  subResource?: string;
  /**
   * True for `kubectl … --dry-run=server`. The webhook is registered with
   * `sideEffects: NoneOnDryRun`, so the caller MUST NOT record a deployment
   * when this is true.
   */
  dryRun: boolean;
}

export type ContainerKind = 'container' | 'initContainer' | 'ephemeralContainer';

export interface ImageRef {
  image: string;
  container: string;
  containerKind: ContainerKind;
  /** RFC 6901 JSON pointer to the `image` field, relative to `request.object`. */
  pointer: string;
  /** `'sha256:<hex>'` when the reference carries `@sha256:<64 hex>`. */
  digest?: string;
  /**
   * UPDATE only: the object before the update already ran this exact reference (request.oldObject).
   * Such an update deploys nothing new (labels, a finalizer's removal, a replica count).
   */
  unchanged?: true;
}

/** Why a well-formed review yielded no images. A note, not an error: the request is allowed through. */
export type AdmissionNote =
  | { code: 'OPERATION_NOT_CHECKED'; message: string }
  | { code: 'KIND_NOT_CHECKED'; message: string }
  | { code: 'SUBRESOURCE_NOT_CHECKED'; message: string };

export interface ParsedAdmissionReview {
  request: AdmissionRequestInfo;
  images: ImageRef[];
  note?: AdmissionNote;
}

/** The kinds whose pod template we know how to find. */
export type WorkloadKind =
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'ReplicationController'
  | 'Job'
  | 'CronJob';

// Keyed by "group/kind": the API group is part of a kind's identity, so a
// CRD that happens to be called "Deployment" in another group is not ours.
// The version is deliberately not part of the key: every served version of
// these kinds has the same pod-template path, and with the default
// `matchPolicy: Equivalent` the API server converts to the version we
// registered anyway.
const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadKind> = new Map<string, WorkloadKind>([
  ['/Pod', 'Pod'],
  ['/ReplicationController', 'ReplicationController'],
  ['apps/Deployment', 'Deployment'],
  ['apps/StatefulSet', 'StatefulSet'],
  ['apps/DaemonSet', 'DaemonSet'],
  ['apps/ReplicaSet', 'ReplicaSet'],
  ['batch/Job', 'Job'],
  ['batch/CronJob', 'CronJob'],
]);

export function findWorkloadKind(kind: GroupVersionKind): WorkloadKind | undefined {
  return WORKLOAD_KINDS.get(`${kind.group}/${kind.kind}`);
}

/** Path from the object root to its PodSpec. */
export function podSpecPath(kind: WorkloadKind): readonly string[] {
  switch (kind) {
    case 'Pod':
      return ['spec'];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return ['spec', 'template', 'spec'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    default:
      return assertNever(kind);
  }
}

// Subresources whose object is the full Pod and can introduce a new image.
// `pods/ephemeralcontainers` is how `kubectl debug` adds a container to a
// running pod; since Kubernetes 1.22 its object is the Pod itself.
// https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/
// Everything else (`status` written by the kubelet, `resize`, `binding`,
// `scale`, …) cannot change which image runs, and must never be blocked by
// an image policy: denying a kubelet status update would wedge the pod.
const IMAGE_BEARING_SUBRESOURCES: ReadonlySet<string> = new Set(['ephemeralcontainers']);

const CONTAINER_LISTS: ReadonlyArray<{ field: string; kind: ContainerKind }> = [
  { field: 'initContainers', kind: 'initContainer' },
  { field: 'containers', kind: 'container' },
  { field: 'ephemeralContainers', kind: 'ephemeralContainer' },
];

const OPERATIONS: ReadonlySet<string> = new Set<AdmissionOperation>(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/**
 * Validates an AdmissionReview v1 and extracts every image from the pod spec.
 *
 * - Pod → `spec`; Deployment/StatefulSet/DaemonSet/ReplicaSet/
 *   ReplicationController/Job → `spec.template.spec`; CronJob →
 *   `spec.jobTemplate.spec.template.spec`.
 * - containers, initContainers and ephemeralContainers, in that list order
 *   per spec: init containers first (they run first).
 * - Unknown kinds, DELETE/CONNECT and non-image subresources → no images and
 *   a `note`.
 *
 * @throws AdmissionError `ADMISSION_INVALID` with a pointer into the body.
 */
export function parseAdmissionReview(body: unknown): ParsedAdmissionReview {
  const review = expectObject(body, '');
  // Only v1: we register `admissionReviewVersions: ["v1"]`, so anything else
  // is not from a correctly configured API server. v1beta1 was removed from
  // the webhook registration API in Kubernetes 1.22.
  if (review['apiVersion'] !== 'admission.k8s.io/v1') {
    throw invalid('apiVersion must be admission.k8s.io/v1', '/apiVersion');
  }
  if (review['kind'] !== 'AdmissionReview') {
    throw invalid('kind must be AdmissionReview', '/kind');
  }
  const req = expectObject(review['request'], '/request');

  const uid = req['uid'];
  if (typeof uid !== 'string' || uid === '') {
    throw invalid('request.uid must be a non-empty string', '/request/uid');
  }
  const kind = parseGroupVersionKind(req['kind'], '/request/kind');
  const operation = req['operation'];
  if (typeof operation !== 'string' || !OPERATIONS.has(operation)) {
    throw invalid('request.operation must be one of CREATE, UPDATE, DELETE, CONNECT', '/request/operation');
  }
  const namespace = optionalString(req['namespace'], '/request/namespace');
  const name = optionalString(req['name'], '/request/name');
  const subResource = optionalString(req['subResource'], '/request/subResource');
  const dryRun = req['dryRun'];
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== 'boolean') {
    throw invalid('request.dryRun must be a boolean', '/request/dryRun');
  }

  const request: AdmissionRequestInfo = {
    uid,
    kind,
    operation: operation as AdmissionOperation,
    dryRun: dryRun === true,
    // `name` is empty when the client used generateName; `namespace` is empty
    // for cluster-scoped objects. Absent and empty mean the same thing here.
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
    ...(subResource ? { subResource } : {}),
  };

  switch (request.operation) {
    case 'DELETE':
    case 'CONNECT':
      // DELETE: `object` is null and nothing new will run. CONNECT (exec,
      // attach, port-forward) carries *Options objects, not pod specs.
      return {
        request,
        images: [],
        note: { code: 'OPERATION_NOT_CHECKED', message: `${request.operation} is not image-checked` },
      };
    case 'CREATE':
    case 'UPDATE':
      break;
    default:
      return assertNever(request.operation);
  }

  if (subResource && !IMAGE_BEARING_SUBRESOURCES.has(subResource)) {
    return {
      request,
      images: [],
      note: { code: 'SUBRESOURCE_NOT_CHECKED', message: `subresource ${subResource} is not image-checked` },
    };
  }

  const workload = findWorkloadKind(kind);
  if (workload === undefined) {
    const gk = kind.group === '' ? kind.kind : `${kind.kind}.${kind.group}`;
    return {
      request,
      images: [],
      note: { code: 'KIND_NOT_CHECKED', message: `kind ${gk} has no pod template; not image-checked` },
    };
  }

  const object = expectObject(req['object'], '/request/object');
  const images = extractImages(object, podSpecPath(workload));
  if (request.operation === 'UPDATE') {
    const before = imagesBefore(req['oldObject'], podSpecPath(workload));
    for (const img of images) if (before.has(img.image)) img.unchanged = true;
  }
  return { request, images };
}

/**
 * The image references of the object before an UPDATE. The API server sends it from storage, so
 * it is what already runs; one it sends that we cannot read counts as nothing, and every image of
 * the update is then checked.
 */
function imagesBefore(oldObject: unknown, specPath: readonly string[]): Set<string> {
  if (typeof oldObject !== 'object' || oldObject === null || Array.isArray(oldObject)) return new Set();
  try {
    return new Set(extractImages(oldObject as Record<string, unknown>, specPath).map((i) => i.image));
  } catch {
    return new Set();
  }
}

function extractImages(object: Record<string, unknown>, specPath: readonly string[]): ImageRef[] {
  let node: Record<string, unknown> = object;
  let pointer = '';
  for (const segment of specPath) {
    pointer += `/${escapePointer(segment)}`;
    node = expectObject(node[segment], `/request/object${pointer}`);
  }

  const images: ImageRef[] = [];
  for (const list of CONTAINER_LISTS) {
    const listPointer = `${pointer}/${list.field}`;
    const value = node[list.field];
    // containers is required by PodSpec validation, but validating webhooks
    // run after schema validation, so "missing" only happens with a
    // hand-crafted body; treat it like an empty optional list and let
    // Kubernetes own that rule.
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) throw invalid(`${list.field} must be an array`, `/request/object${listPointer}`);
    value.forEach((entry: unknown, index) => {
      const containerPointer = `${listPointer}/${index}`;
      const container = expectObject(entry, `/request/object${containerPointer}`);
      const name = container['name'];
      if (typeof name !== 'string' || name === '') {
        throw invalid('container name must be a non-empty string', `/request/object${containerPointer}/name`);
      }
      const image = container['image'];
      // PodSpec makes `image` optional only so that controllers can default
      // it; an admitted pod template always has one. An image we cannot read
      // is an image we cannot vouch for, so this is an error, not a skip.
      if (typeof image !== 'string' || image === '') {
        throw invalid('container image must be a non-empty string', `/request/object${containerPointer}/image`);
      }
      const digest = parseImageDigest(image);
      images.push({
        image,
        container: name,
        containerKind: list.kind,
        pointer: `${containerPointer}/image`,
        ...(digest ? { digest } : {}),
      });
    });
  }
  return images;
}

function parseGroupVersionKind(value: unknown, pointer: string): GroupVersionKind {
  const gvk = expectObject(value, pointer);
  const group = gvk['group'];
  const version = gvk['version'];
  const kind = gvk['kind'];
  // group is "" for the core API group (Pod, ReplicationController).
  if (typeof group !== 'string') throw invalid('group must be a string', `${pointer}/group`);
  if (typeof version !== 'string' || version === '') throw invalid('version must be a non-empty string', `${pointer}/version`);
  if (typeof kind !== 'string' || kind === '') throw invalid('kind must be a non-empty string', `${pointer}/kind`);
  return { group, version, kind };
}

function optionalString(value: unknown, pointer: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('must be a string', pointer);
  return value;
}

function expectObject(value: unknown, pointer: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('must be an object', pointer);
  }
  return value as Record<string, unknown>;
}

/** RFC 6901 §3: '~' → '~0', '/' → '~1'. */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function invalid(message: string, pointer: string): AdmissionError {
  return new AdmissionError('ADMISSION_INVALID', message, pointer);
}

function assertNever(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
