/**
 * Verdict → AdmissionReview v1 response body.
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response
 */
import type { ImageRef } from './review.parser.ts';

export interface AdmissionVerdict {
  allowed: boolean;
  /** Shown to the user on deny, after `admission webhook "…" denied the request: `. */
  message?: string;
  warnings?: string[];
}

export interface AdmissionResponseReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: 403; message: string };
    warnings?: string[];
  };
}

/** One image the policy refused, and why. */
export interface ImageDenial {
  image: Pick<ImageRef, 'image' | 'container' | 'containerKind'>;
  reason: string;
}

// "Limit warnings to 120 characters if possible. Individual warning messages
// over 256 characters may be truncated by the API server … If more than 4096
// characters of warning messages are added (from all sources), additional
// warning messages are ignored."
// https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response
// The issue asks for warnings *under* 120 characters, which also keeps within Kubernetes' advice.
export const MAX_WARNING_LENGTH = 119;
// 20 × 120 = 2400 characters: leaves room under the API server's 4096-character
// budget for warnings from other webhooks and from the API server itself.
export const MAX_WARNINGS = 20;
const ELLIPSIS = '...';
// The deny message is printed by kubectl and stored in events: a pod with hundreds of denied images
// would otherwise produce a message of hundreds of kilobytes. Kubernetes sets no limit; this keeps
// it to a screenful, naming how many images were left out.
export const MAX_DENIAL_MESSAGE_LENGTH = 4000;
const DEFAULT_DENY_MESSAGE = 'denied by attestant admission policy';

/**
 * Builds the AdmissionReview v1 response. `uid` must be `request.uid`
 * verbatim: the API server rejects a response whose uid does not match.
 * `status` is only sent on deny because the API server ignores it on allow.
 */
export function toAdmissionResponse(uid: string, verdict: AdmissionVerdict): AdmissionResponseReview {
  const response: AdmissionResponseReview['response'] = { uid, allowed: verdict.allowed };
  if (!verdict.allowed) {
    const message = verdict.message?.trim();
    response.status = { code: 403, message: message ? message : DEFAULT_DENY_MESSAGE };
  }
  const warnings = toWarnings(verdict.warnings ?? []);
  if (warnings.length > 0) response.warnings = warnings;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/**
 * Joins per-image reasons into one human-readable deny message, e.g.
 * `image "reg/app:1" (container app): no verified provenance; image "…" (init container migrate): …`.
 */
export function toDenialMessage(denials: readonly ImageDenial[]): string {
  if (denials.length === 0) return DEFAULT_DENY_MESSAGE;
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < denials.length; i++) {
    const { image, reason } = denials[i]!;
    const part = `image "${image.image}" (${describeContainerKind(image.containerKind)} ${image.container}): ${reason}`;
    // The first denial is always given whole; later ones only while the message stays readable.
    if (i > 0 && length + 2 + part.length > MAX_DENIAL_MESSAGE_LENGTH) {
      const rest = denials.length - i;
      parts.push(`and ${rest} more image${rest === 1 ? '' : 's'} denied (each decision is in the audit log)`);
      break;
    }
    parts.push(part);
    length += (i > 0 ? 2 : 0) + part.length;
  }
  return parts.join('; ');
}

function describeContainerKind(kind: ImageRef['containerKind']): string {
  switch (kind) {
    case 'container':
      return 'container';
    case 'initContainer':
      return 'init container';
    case 'ephemeralContainer':
      return 'ephemeral container';
    default:
      return assertNever(kind);
  }
}

/**
 * Sanitises, de-duplicates, truncates and caps warnings. Warnings travel to
 * the client in HTTP `Warning: 299` headers, so they are kept to printable
 * ASCII: control characters and line breaks become spaces, other non-ASCII
 * becomes '?'.
 */
export function toWarnings(warnings: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of warnings) {
    const warning = truncate(sanitize(raw));
    if (warning === '' || seen.has(warning)) continue;
    seen.add(warning);
    out.push(warning);
  }
  if (out.length <= MAX_WARNINGS) return out;
  const kept = out.slice(0, MAX_WARNINGS - 1);
  kept.push(`${out.length - kept.length} more warnings omitted`);
  return kept;
}

function sanitize(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[^\u0020-\u007e]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function truncate(text: string): string {
  if (text.length <= MAX_WARNING_LENGTH) return text;
  return text.slice(0, MAX_WARNING_LENGTH - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

function assertNever(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
