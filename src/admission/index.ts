/**
 * Kubernetes admission: AdmissionReview v1 in, images out; verdict in,
 * AdmissionReview v1 out. Pure: the HTTP route, the policy evaluation and the
 * recording of deployments live elsewhere.
 */
export { AdmissionError } from './admission-error.ts';
export type { AdmissionErrorCode } from './admission-error.ts';
export { parseAdmissionReview, findWorkloadKind, podSpecPath } from './review.parser.ts';
export type {
  AdmissionNote,
  AdmissionOperation,
  AdmissionRequestInfo,
  ContainerKind,
  GroupVersionKind,
  ImageRef,
  ParsedAdmissionReview,
  WorkloadKind,
} from './review.parser.ts';
export { parseImageDigest } from './image-ref.ts';
export { toAdmissionResponse, toDenialMessage, toWarnings, MAX_WARNING_LENGTH, MAX_WARNINGS, MAX_DENIAL_MESSAGE_LENGTH } from './admission-response.ts';
export type { AdmissionResponseReview, AdmissionVerdict, ImageDenial } from './admission-response.ts';
export { resolveEnvironment } from './environment.ts';
