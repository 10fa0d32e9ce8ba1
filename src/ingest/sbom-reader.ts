// Reads an SBOM from a spooled upload into an SbomAssembler. CycloneDX JSON (the common case,
// and the one that reaches tens of megabytes) is streamed: a first pass over the bytes takes the
// document's header without decoding the big arrays, a second pass decodes one component or
// dependency at a time, validating, parsing and assembling it before the next is decoded. The
// other kinds are parsed whole (pure parsers in src/sbom) and then fed to the same assembler.
import type { SpooledBody } from './body-spool.ts';
import type { SbomAssembler } from './sbom-assembly.ts';
import { assembleInventory } from './sbom-assembly.ts';
import { parseSbomDocument, SbomError, validateSbom, type DetectedKind, type Finding } from '../sbom/index.ts';
import type { InventoryHeader } from '../sbom/inventory.ts';
import { checkDeclaredType, classifyJsonDocument } from '../sbom/detect.ts';
import { CDX_SPLIT_KEYS, CdxJsonSegmentParser } from '../sbom/cyclonedx-json.parser.ts';
import { CdxJsonSegmentValidator } from '../sbom/validate.ts';
import { JsonSegmentError, JsonSegmentScanner, type JsonSegment } from '../sbom/json-segments.ts';

export interface SbomRead {
  kind: DetectedKind;
  header: InventoryHeader;
  /** Official-schema findings (validateSbom / CdxJsonSegmentValidator). */
  schemaFindings: Finding[];
}

/**
 * `flush` is awaited whenever the assembler holds at least `flushRows` unwritten component rows
 * (and not at the end: the caller takes the rest).
 */
export interface ReadOptions {
  contentType?: string;
  flush?: () => Promise<void>;
  flushRows?: number;
}

/** Arrays that can be huge in any JSON SBOM: skipped by the header pass, whatever the format turns out to be. */
const HEADER_PASS_SKIP: ReadonlySet<string> = new Set([...CDX_SPLIT_KEYS, 'packages', 'relationships', 'files', 'snippets', 'annotations', 'hasExtractedLicensingInfos']);

export async function readSbom(body: SpooledBody, into: SbomAssembler, opts: ReadOptions = {}): Promise<SbomRead> {
  if (await startsJsonObject(body)) {
    const { header, arrays } = await readJsonHeader(body);
    const kind = classifyJsonDocument(header);
    checkDeclaredType(kind, opts.contentType);
    if (kind.format === 'cyclonedx') return readCycloneDxJson(body, header, arrays, into, opts);
  }
  // Everything else is parsed whole (the previous pass, if any, decoded no array element).
  const bytes = await body.buffer();
  const doc = parseSbomDocument(bytes, opts.contentType);
  const schemaFindings = await validateSbom(doc.kind, doc.inventory.specVersion, bytes, doc.parsed);
  assembleInventory(doc.inventory, into);
  const { components: _c, edges: _e, ...header } = doc.inventory;
  return { kind: doc.kind, header, schemaFindings };
}

/** A UTF-8 BOM, whitespace, then `{`: the only shape the streaming path takes. */
async function startsJsonObject(body: SpooledBody): Promise<boolean> {
  const head = await body.head(4096);
  if (head.includes(0)) return false; // binary: the whole-document path says so
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b;
}

async function scan(body: SpooledBody, splitKeys: ReadonlySet<string>, skipElements: boolean, onSegment: (s: JsonSegment) => void, between?: () => Promise<void>): Promise<void> {
  const scanner = new JsonSegmentScanner(splitKeys, onSegment, { skipElements });
  try {
    for await (const chunk of body.chunks()) {
      scanner.write(chunk);
      if (between) await between();
    }
    scanner.end();
  } catch (err) {
    if (err instanceof JsonSegmentError) {
      const message = err.reason === 'encoding' ? 'content is not valid UTF-8' : `invalid JSON: ${err.message}`;
      throw new SbomError('SBOM_NOT_PARSEABLE', message, `offset:${err.offset}`);
    }
    throw err;
  }
}

/** Sets a decoded member; a member named __proto__ stays data, as JSON.parse makes it. */
function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

async function readJsonHeader(body: SpooledBody): Promise<{ header: Record<string, unknown>; arrays: Set<string> }> {
  const header: Record<string, unknown> = {};
  const arrays = new Set<string>();
  await scan(body, HEADER_PASS_SKIP, true, (s) => {
    if (s.kind === 'member') {
      setMember(header, s.key, s.value);
      arrays.delete(s.key);
    } else if (s.kind === 'array-end') {
      arrays.add(s.key);
      delete header[s.key];
    }
  });
  return { header, arrays };
}

async function readCycloneDxJson(body: SpooledBody, fullHeader: Record<string, unknown>, arrays: Set<string>, into: SbomAssembler, opts: ReadOptions): Promise<SbomRead> {
  // Other arrays the header pass skipped (CycloneDX `annotations`, or SPDX-looking keys) are not
  // read by the parser but must be validated: the element pass decodes them whole, as members.
  const header: Record<string, unknown> = { ...fullHeader };
  const validator = new CdxJsonSegmentValidator(typeof header.specVersion === 'string' ? header.specVersion : '');
  const parser = new CdxJsonSegmentParser(header, into);
  const flushRows = opts.flushRows ?? 5000;
  await scan(body, CDX_SPLIT_KEYS, false, (s) => {
    if (s.kind === 'member') {
      if (arrays.has(s.key) && !CDX_SPLIT_KEYS.has(s.key)) setMember(header, s.key, s.value);
      return;
    }
    if (s.kind !== 'element') return;
    if (s.key === 'components') {
      validator.component(s.index, s.value);
      parser.component(s.index, s.value);
    } else {
      validator.dependency(s.index, s.value);
      parser.dependency(s.index, s.value);
    }
  }, opts.flush && (async () => { if (into.pendingRows >= flushRows) await opts.flush!(); }));
  validator.header(header, { components: arrays.has('components'), dependencies: arrays.has('dependencies') });
  return { kind: { format: 'cyclonedx', encoding: 'json' }, header: parser.finishHeader(), schemaFindings: validator.findings() };
}
