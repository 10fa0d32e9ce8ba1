// CycloneDX XML → Inventory. Schema: https://cyclonedx.org/docs/1.6/xml/ ; the spec version is the
// namespace http://cyclonedx.org/schema/bom/1.x of the root <bom>. Dependencies are
// <dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>.
import { XMLParser } from 'fast-xml-parser';
import type { Inventory } from './inventory.ts';
import type { Sniffed } from './detect.ts';
import { SbomError } from './errors.ts';
import { CDX_SUPPORTED_VERSIONS, CdxInventoryBuilder, type CdxRawComponent } from './cyclonedx.builder.ts';
import { at, isRecord, type Ptr } from './util.ts';

const ARRAY_TAGS = new Set(['component', 'dependency', 'hash']);

/**
 * fast-xml-parser turns the token stream into objects recursively, so nesting depth is bounded
 * here (≈1,000 nested components) and reported as SBOM_NOT_PARSEABLE instead of a stack overflow.
 */
const MAX_NESTED_TAGS = 2000;

function newParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    htmlEntities: false,
    maxNestedTags: MAX_NESTED_TAGS,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
}

export function parseCycloneDxXml(sniffed: Sniffed): Inventory {
  const specVersion = sniffed.xmlNamespaceVersion ?? '';
  if (!(CDX_SUPPORTED_VERSIONS as readonly string[]).includes(specVersion)) {
    throw new SbomError(
      'SBOM_UNSUPPORTED_VERSION',
      `CycloneDX XML namespace version ${JSON.stringify(specVersion)} is not supported (${CDX_SUPPORTED_VERSIONS.join(', ')})`,
      '/bom/@xmlns',
    );
  }
  let parsed: unknown;
  try {
    parsed = newParser().parse(sniffed.text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SbomError('SBOM_NOT_PARSEABLE', `XML could not be parsed: ${msg}`);
  }
  // <bom/> with no attributes parses as ''; treat it as an empty BOM.
  const bom = isRecord(parsed) ? (parsed.bom === '' ? {} : parsed.bom) : undefined;
  if (!isRecord(bom)) throw new SbomError('SBOM_INVALID', 'CycloneDX XML has no <bom> element content', '/bom');
  const serial = typeof bom['@_serialNumber'] === 'string' ? bom['@_serialNumber'] : undefined;
  const b = new CdxInventoryBuilder('xml', specVersion, serial, xmlField);
  const bomAt = at(undefined, 'bom');

  const work: Array<{ node: unknown; at: Ptr; nestedIn: string | undefined }> = [];
  const pushChildren = (container: unknown, containerAt: Ptr, nestedIn: string | undefined) => {
    // <components> holds <component> elements; an empty <components/> parses as ''.
    if (!isRecord(container)) return;
    const list = container.component;
    if (!Array.isArray(list)) return;
    for (let i = list.length - 1; i >= 0; i--) work.push({ node: list[i], at: at(containerAt, `component[${i + 1}]`), nestedIn });
  };
  const drain = () => {
    while (work.length > 0) {
      const w = work.pop()!;
      if (!isRecord(w.node)) {
        // <component/> with neither attributes nor children.
        b.sink.add('INVALID_FIELD', 'empty <component> element', w.at);
        continue;
      }
      const ref = b.addComponent(toRaw(w.node, w.at), w.nestedIn);
      pushChildren(w.node.components, at(w.at, 'components'), ref);
    }
  };

  const metadata = bom.metadata;
  if (isRecord(metadata) && Array.isArray(metadata.component) && isRecord(metadata.component[0])) {
    const mAt = at(at(bomAt, 'metadata'), 'component');
    const subject = metadata.component[0];
    const subjectRef = b.setSubject(toRaw(subject, mAt));
    pushChildren(subject.components, at(mAt, 'components'), subjectRef);
    drain();
  }
  pushChildren(bom.components, at(bomAt, 'components'), undefined);
  drain();

  if (isRecord(bom.dependencies) && Array.isArray(bom.dependencies.dependency)) {
    const dAt = at(bomAt, 'dependencies');
    bom.dependencies.dependency.forEach((d: unknown, i: number) => {
      const iAt = at(dAt, `dependency[${i + 1}]`);
      if (!isRecord(d) || !Array.isArray(d.dependency)) return;
      d.dependency.forEach((x: unknown, j: number) => {
        const xAt = at(iAt, `dependency[${j + 1}]`);
        b.addDependency(d['@_ref'], at(iAt, '@ref'), isRecord(x) ? x['@_ref'] : undefined, xAt);
      });
    });
  }
  return b.finish();
}

/** Text of a simple element: 'x' for <e>x</e>, the #text of <e attr="..">x</e>. */
function text(v: unknown): unknown {
  if (Array.isArray(v)) return text(v[0]);
  if (isRecord(v)) return v['#text'];
  return v === '' ? undefined : v;
}

function xmlField(f: string): string {
  return f === 'ref' ? '@bom-ref' : f === 'type' ? '@type' : f;
}

function toRaw(c: Record<string, unknown>, cAt: Ptr): CdxRawComponent {
  const hashes: CdxRawComponent['hashes'] = [];
  const hashList = isRecord(c.hashes) ? c.hashes.hash : undefined;
  if (Array.isArray(hashList)) {
    hashList.forEach((h: unknown, i: number) => {
      const hAt = at(at(cAt, 'hashes'), `hash[${i + 1}]`);
      hashes.push({ alg: isRecord(h) ? h['@_alg'] : undefined, value: text(h), at: hAt });
    });
  }
  return {
    at: cAt,
    ref: c['@_bom-ref'],
    name: text(c.name),
    group: text(c.group),
    version: text(c.version),
    purl: text(c.purl),
    type: c['@_type'],
    scope: text(c.scope),
    hashes,
  };
}
