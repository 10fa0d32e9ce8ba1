import { ASN1Obj, type X509Certificate } from '@sigstore/core';

/** Who signed, as far as the trust material can vouch. */
export interface Signer {
  kind: 'keyless' | 'key';
  /** Keyless: OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, or legacy .1.1). */
  issuer?: string;
  /** Keyless: the certificate SAN (URI or email). */
  identity?: string;
  /** Keyless: GitHub Actions claims from the Fulcio extensions. */
  github?: {
    repository?: string;
    ref?: string;
    sha?: string;
    workflow?: string;
    workflowRef?: string;
    trigger?: string;
    runnerEnvironment?: string;
    runId?: string;
  };
  keyName?: string;
  keyId?: string;
  /** Name of the trusted root the chain / log verified against ('public-good' for the built-in). */
  trustedRoot?: string;
}

// https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md
const FULCIO = '1.3.6.1.4.1.57264.1.';
const OID = {
  issuerV1: `${FULCIO}1`,
  triggerV1: `${FULCIO}2`,
  shaV1: `${FULCIO}3`,
  workflowV1: `${FULCIO}4`,
  repositoryV1: `${FULCIO}5`,
  refV1: `${FULCIO}6`,
  issuer: `${FULCIO}8`,
  buildSignerUri: `${FULCIO}9`,
  runnerEnvironment: `${FULCIO}11`,
  sourceRepositoryUri: `${FULCIO}12`,
  sourceRepositoryDigest: `${FULCIO}13`,
  sourceRepositoryRef: `${FULCIO}14`,
  buildConfigUri: `${FULCIO}18`,
  buildTrigger: `${FULCIO}20`,
  runInvocationUri: `${FULCIO}21`,
} as const;

/**
 * Extensions .1.1-.1.6 hold the raw string as the extension value; .1.8 and
 * later hold a DER UTF8String (oid-info.md, "1.3.6.1.4.1.57264.1.8 | Issuer (V2)").
 */
function ext(cert: X509Certificate, oid: string): string | undefined {
  const e = cert.extension(oid);
  if (!e) return undefined;
  const legacy = Number(oid.slice(FULCIO.length)) <= 6;
  if (legacy) return e.value.toString('utf8');
  try {
    const inner = e.valueObj.subs[0] ?? ASN1Obj.parseBuffer(Buffer.from(e.value));
    return inner.value.toString('utf8');
  } catch {
    return undefined;
  }
}

function compact<T extends Record<string, string | undefined>>(o: T): Partial<T> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? (out as Partial<T>) : undefined;
}

/** Reads the Fulcio identity out of a verified leaf certificate. */
export function toKeylessSigner(cert: X509Certificate, trustedRoot: string): Signer {
  const issuer = ext(cert, OID.issuer) ?? ext(cert, OID.issuerV1);
  const identity = cert.subjectAltName;
  const github = issuer === 'https://token.actions.githubusercontent.com'
    ? compact({
        repository: ext(cert, OID.sourceRepositoryUri) ?? ext(cert, OID.repositoryV1),
        ref: ext(cert, OID.sourceRepositoryRef) ?? ext(cert, OID.refV1),
        sha: ext(cert, OID.sourceRepositoryDigest) ?? ext(cert, OID.shaV1),
        workflow: ext(cert, OID.workflowV1),
        workflowRef: ext(cert, OID.buildConfigUri) ?? ext(cert, OID.buildSignerUri),
        trigger: ext(cert, OID.buildTrigger) ?? ext(cert, OID.triggerV1),
        runnerEnvironment: ext(cert, OID.runnerEnvironment),
        runId: ext(cert, OID.runInvocationUri),
      })
    : undefined;
  const signer: Signer = { kind: 'keyless', trustedRoot };
  if (issuer !== undefined) signer.issuer = issuer;
  if (identity !== undefined) signer.identity = identity;
  if (github !== undefined) signer.github = github;
  return signer;
}
