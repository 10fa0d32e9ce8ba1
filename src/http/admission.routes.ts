// Kubernetes ValidatingAdmissionWebhook: AdmissionReview v1 in and out. Each image is decided
// like POST /v1/decisions (durably logged). Fail closed: an image without a digest is denied (we
// never call a registry), and "cannot decide" is a deny with that reason, whatever failurePolicy.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  parseAdmissionReview, resolveEnvironment, toAdmissionResponse, toDenialMessage,
  type ImageDenial,
} from '../admission/index.ts';
import type { DecisionService } from '../decide/decision.service.ts';
import { toProblem } from '../platform/problem.plugin.ts';
import { errorResponses, ADMISSION_BODY_LIMIT } from './schemas.ts';

const reviewSchema = {
  type: 'object',
  description: 'AdmissionReview (admission.k8s.io/v1)',
  properties: {
    apiVersion: { type: 'string' }, kind: { type: 'string' },
    request: { type: 'object', additionalProperties: true },
    response: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
} as const;

export async function admissionRoutes(app: FastifyInstance, opts: { decisions: DecisionService; namespaceEnvironments: Readonly<Record<string, string>> }): Promise<void> {
  async function handle(request: FastifyRequest, explicitEnv: string | undefined) {
    const parsed = parseAdmissionReview(request.body);
    const { request: req, images } = parsed;
    const warnings: string[] = [];
    if (parsed.note) return toAdmissionResponse(req.uid, { allowed: true, warnings: [parsed.note.message] });
    const environment = resolveEnvironment(explicitEnv, req.namespace, { ...opts.namespaceEnvironments });
    if (!environment) {
      return toAdmissionResponse(req.uid, { allowed: false, message: `no environment for namespace "${req.namespace ?? ''}": set ?environment= on the webhook or map the namespace (ATTESTANT_NAMESPACE_ENVIRONMENTS)` });
    }
    const denials: ImageDenial[] = [];
    const byDigest = new Map<string, Promise<{ allowed: boolean; reason: string; warn: string[] }>>();
    // An UPDATE that keeps an image (labels, a finalizer's removal, a replica count) deploys nothing
    // new, so the image is not decided again: a policy tightened since must not wedge what already
    // runs. New pods are CREATEs and are always decided.
    const unchanged = images.filter((img) => img.unchanged).length;
    if (unchanged > 0) warnings.push(`${unchanged} image(s) unchanged by this update: not checked again`);
    for (const img of images) {
      if (img.unchanged) continue;
      if (!img.digest) {
        denials.push({ image: img, reason: 'no digest: reference images by @sha256:<digest> (tags are mutable and are never resolved here)' });
        continue;
      }
      const digest = img.digest;
      if (!byDigest.has(digest)) {
        byDigest.set(digest, opts.decisions.decide({ artifact: digest, environment, actor: request.principal?.name }).then(
          (d) => ({
            allowed: d.allowed,
            reason: d.reasons.filter((r) => r.outcome === 'fail').map((r) => r.message).join('; ') || 'denied by policy',
            warn: d.reasons.filter((r) => r.outcome === 'warn').map((r) => `${digest.slice(7, 19)}: ${r.message}`),
          }),
          (err: unknown) => {
            const p = toProblem(err);
            if (p && p.status >= 500) return { allowed: false, reason: `cannot decide now (${p.code}); failing closed`, warn: [] };
            throw err;
          },
        ));
      }
      const v = await byDigest.get(digest)!;
      warnings.push(...v.warn);
      if (!v.allowed) denials.push({ image: img, reason: v.reason });
    }
    if (denials.length) return toAdmissionResponse(req.uid, { allowed: false, message: toDenialMessage(denials), warnings });
    return toAdmissionResponse(req.uid, { allowed: true, warnings });
  }

  const schema = {
    tags: ['decide'],
    summary: 'Kubernetes admission webhook (AdmissionReview v1). Pods and the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs; every image must carry a digest.',
    security: [{ bearer: [] }],
    body: reviewSchema,
    response: { 200: reviewSchema, ...errorResponses() },
  };
  const options = {
    bodyLimit: ADMISSION_BODY_LIMIT,
    // As /v1/decisions: each image's decision is audited; request logs only for warnings and errors.
    logLevel: 'warn',
    config: { scope: 'decide', nulGuardBody: false },
  } as const;
  app.post<{ Querystring: { environment?: string } }>('/v1/admission', {
    ...options,
    schema: { ...schema, querystring: { type: 'object', properties: { environment: { type: 'string', maxLength: 100 } }, additionalProperties: false } },
  }, async (request) => handle(request, request.query.environment));
  // Kubernetes webhook service paths cannot carry a query string, so the environment can be a path segment.
  app.post<{ Params: { environment: string } }>('/v1/admission/:environment', {
    ...options,
    schema: { ...schema, params: { type: 'object', properties: { environment: { type: 'string', maxLength: 100 } }, required: ['environment'] } },
  }, async (request) => handle(request, request.params.environment));
}
