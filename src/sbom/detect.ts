// Format detection: content-type hint + sniffing the bytes (already gunzipped by the caller).
//
// Policy (documented because the content-type is often absent or wrong):
// - The bytes decide the encoding. Generic types (application/json, text/xml, text/plain,
//   application/octet-stream, ...) are ignored: clients routinely send application/json for XML.
// - An explicit SBOM media type (application/vnd.cyclonedx+json|+xml, application/spdx+json,
//   text/spdx) is a claim by the uploader. If the bytes contradict it we reject with
//   SBOM_UNKNOWN_FORMAT rather than silently storing the document under a wrong media type.
//   CycloneDX media types: https://cyclonedx.org/specification/overview/ (IANA registrations);
//   SPDX: https://spdx.github.io/spdx-spec/v2.3/conformance/ (media types).
import { XMLValidator } from 'fast-xml-parser';
import { SbomError } from './errors.ts';

export type DetectedKind =
  | { format: 'cyclonedx'; encoding: 'json' | 'xml' }
  | { format: 'spdx'; encoding: 'json' | 'tag-value' };

/** Detection result plus what was already decoded, so parsers do not decode twice. */
export interface Sniffed {
  kind: DetectedKind;
  text: string;
  /** The JSON.parse result, for JSON encodings. */
  json?: unknown;
  /** For CycloneDX XML: the spec version taken from the root element's namespace. */
  xmlNamespaceVersion?: string;
}

const VENDOR_TYPES: Record<string, DetectedKind> = {
  'application/vnd.cyclonedx+json': { format: 'cyclonedx', encoding: 'json' },
  'application/vnd.cyclonedx+xml': { format: 'cyclonedx', encoding: 'xml' },
  'application/spdx+json': { format: 'spdx', encoding: 'json' },
  'text/spdx': { format: 'spdx', encoding: 'tag-value' },
};

export const CDX_NAMESPACE_PREFIX = 'http://cyclonedx.org/schema/bom/';

export function detectSbom(bytes: Buffer, contentType?: string): DetectedKind {
  return sniffSbom(bytes, contentType).kind;
}

export function sniffSbom(bytes: Buffer, contentType?: string): Sniffed {
  const text = decodeText(bytes);
  const sniffed = sniffText(text);
  checkDeclaredType(sniffed.kind, contentType);
  return sniffed;
}

function decodeText(bytes: Buffer): string {
  // NUL bytes never occur in JSON, XML or tag-value text: treat as binary. (UTF-16 SBOMs are not supported.)
  if (bytes.subarray(0, 4096).includes(0)) {
    throw new SbomError('SBOM_NOT_PARSEABLE', 'content is binary (NUL bytes), not JSON, XML or SPDX tag-value');
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SbomError('SBOM_NOT_PARSEABLE', 'content is not valid UTF-8');
  }
}

function sniffText(text: string): Sniffed {
  const first = /\S/.exec(text);
  if (!first) throw new SbomError('SBOM_NOT_PARSEABLE', 'document is empty');
  const c = first[0];
  if (c === '{' || c === '[') return sniffJson(text);
  if (c === '<') return sniffXml(text);
  // SPDX tag-value: the first tag must be SPDXVersion (clause 6.1), possibly after comment lines.
  if (/^(?:\s*#[^\n]*\n|\s*\n)*\s*SPDXVersion\s*:/.test(text)) {
    return { kind: { format: 'spdx', encoding: 'tag-value' }, text };
  }
  throw new SbomError('SBOM_NOT_PARSEABLE', 'content is neither JSON, XML nor SPDX tag-value');
}

function sniffJson(text: string): Sniffed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // SyntaxError carries V8's "... at position N"; RangeError would mean nesting beyond the engine's limit.
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg)?.[1];
    throw new SbomError('SBOM_NOT_PARSEABLE', `invalid JSON: ${msg}`, pos !== undefined ? `offset:${pos}` : undefined);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SbomError('SBOM_UNKNOWN_FORMAT', 'JSON document is not an object');
  }
  return { kind: classifyJsonDocument(json as Record<string, unknown>), text, json };
}

/** Which SBOM a JSON object is, from its top-level members (the header is enough). */
export function classifyJsonDocument(o: Record<string, unknown>): DetectedKind {
  if (Object.hasOwn(o, 'bomFormat')) {
    if (o.bomFormat === 'CycloneDX') return { format: 'cyclonedx', encoding: 'json' };
    throw new SbomError('SBOM_UNKNOWN_FORMAT', `bomFormat ${JSON.stringify(o.bomFormat)} is not "CycloneDX"`, '/bomFormat');
  }
  if (typeof o.spdxVersion === 'string' || o.SPDXID === 'SPDXRef-DOCUMENT') return { format: 'spdx', encoding: 'json' };
  // SPDX 3 is JSON-LD (@context https://spdx.org/rdf/3.x/...): recognised, but the parser rejects the version.
  if (typeof o['@context'] === 'string' && o['@context'].includes('spdx.org/rdf/3')) return { format: 'spdx', encoding: 'json' };
  throw new SbomError('SBOM_UNKNOWN_FORMAT', 'JSON document is neither CycloneDX (bomFormat) nor SPDX (spdxVersion)');
}

/** Rejects a document whose content contradicts an explicit SBOM media type. */
export function checkDeclaredType(kind: DetectedKind, contentType?: string): void {
  const declared = contentType ? VENDOR_TYPES[contentType.split(';')[0]!.trim().toLowerCase()] : undefined;
  if (declared && (declared.format !== kind.format || declared.encoding !== kind.encoding)) {
    throw new SbomError(
      'SBOM_UNKNOWN_FORMAT',
      `content-type ${contentType} declares ${declared.format}/${declared.encoding} but the content is ${kind.format}/${kind.encoding}`,
    );
  }
}

function sniffXml(text: string): Sniffed {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new SbomError('SBOM_NOT_PARSEABLE', `invalid XML: ${msg} (line ${line}, column ${col})`, `line:${line}`);
  }
  // Root element, skipping the prolog (declaration, comments, processing instructions, doctype).
  // Only the head of the document is scanned so a 50 MB upload is not copied.
  const root = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^>]*)?)\/?>/.exec(
    text.slice(0, 1 << 20).replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, (m) => ' '.repeat(m.length)),
  );
  if (!root || root[2] !== 'bom') {
    throw new SbomError('SBOM_UNKNOWN_FORMAT', `XML root element <${root?.[2] ?? '?'}> is not a CycloneDX <bom>`);
  }
  const prefix = root[1] ? root[1].slice(0, -1) : '';
  const attrs = root[3] ?? '';
  const nsAttr = prefix ? `xmlns:${prefix}` : 'xmlns';
  const ns = new RegExp(`\\s${nsAttr.replace('.', '\\.')}\\s*=\\s*["']([^"']*)["']`).exec(attrs)?.[1];
  if (!ns || !ns.startsWith(CDX_NAMESPACE_PREFIX)) {
    throw new SbomError('SBOM_UNKNOWN_FORMAT', `XML <bom> namespace ${ns ?? '(none)'} is not a CycloneDX namespace`);
  }
  return {
    kind: { format: 'cyclonedx', encoding: 'xml' },
    text,
    xmlNamespaceVersion: ns.slice(CDX_NAMESPACE_PREFIX.length).replace(/\/$/, ''),
  };
}
