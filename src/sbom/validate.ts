// Schema validation against the official schema of the detected spec version. Findings only:
// an invalid document is still ingested (tolerant parsing); validation never throws.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Spec as CdxSpec } from '@cyclonedx/cyclonedx-library';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import addFormats2019Module from 'ajv-formats-draft2019';
import type { DetectedKind } from './detect.ts';
import type { Finding } from './inventory.ts';
import { MAX_FINDINGS } from './util.ts';
import { xmlPathsAtLines } from './xml-path.ts';
import { projectPath } from '../platform/paths.ts';
import { cdxHeaderOf } from './cyclonedx-json.parser.ts';

// ajv-formats is CommonJS (`module.exports = plugin`, plus `.default`); NodeNext types the default
// import as the module namespace, so pick the callable explicitly.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * `parsed` is the document's JSON.parse result when the caller already has it, so a large
 * document is not parsed (and held in memory) twice.
 */
export async function validateSbom(kind: DetectedKind, specVersion: string, bytes: Buffer, parsed?: unknown): Promise<Finding[]> {
  try {
    switch (kind.format) {
      case 'cyclonedx':
        if (kind.encoding === 'json') return validateCycloneDxJson(specVersion, parsed ?? JSON.parse(bytes.toString('utf8')));
        return await validateCycloneDxXml(specVersion, bytes.toString('utf8'));
      case 'spdx':
        return validateSpdx(kind.encoding, specVersion, bytes, parsed);
      default: {
        const never: never = kind;
        return [{ code: 'SCHEMA_UNAVAILABLE', message: `no schema for ${JSON.stringify(never)}` }];
      }
    }
  } catch (e) {
    // Documents that do not even parse are reported, not thrown: parseSbom is the gatekeeper.
    return [{ code: 'SCHEMA_ERROR', message: `validation failed: ${e instanceof Error ? e.message : String(e)}` }];
  }
}

/** Spec versions with a bundled JSON schema (res/schema/bom-X.Y.SNAPSHOT.schema.json). */
const CDX_SCHEMA_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);

/**
 * XML goes through the CycloneDX library's XmlValidator (libxmljs2, an optional native
 * dependency). The library is imported on first use: it costs about 15 MB of resident memory,
 * which a service that never sees XML should not carry.
 */
async function validateCycloneDxXml(specVersion: string, text: string): Promise<Finding[]> {
  const { Spec, Validation } = await import('@cyclonedx/cyclonedx-library');
  if (!(Object.values(Spec.Version) as string[]).includes(specVersion)) {
    return [{ code: 'SCHEMA_UNAVAILABLE', message: `no CycloneDX schema for version ${specVersion}` }];
  }
  const validator = new Validation.XmlValidator(specVersion as CdxSpec.Version);
  let result: unknown;
  try {
    result = await validator.validate(text);
  } catch (e) {
    if (e instanceof Validation.NotImplementedError || e instanceof Validation.MissingOptionalDependencyError) {
      return [{ code: 'SCHEMA_UNAVAILABLE', message: `CycloneDX ${specVersion} xml schema validation is unavailable: ${e.message}` }];
    }
    // libxmljs2 throws for malformed XML, with line/column.
    const err = e as { message?: string; line?: number };
    return [{ code: 'SCHEMA', message: String(err.message ?? e).trim(), ...(err.line ? { pointer: `line:${err.line}` } : {}) }];
  }
  if (result === null || result === undefined) return [];
  const errors = (Array.isArray(result) ? result : [result]).slice(0, MAX_FINDINGS) as Array<{ message?: string; line?: number }>;
  // libxmljs2 errors carry a line; turn it into an element path (the message keeps the line).
  const paths = xmlPathsAtLines(text, errors.flatMap((x) => (x.line ? [x.line] : [])));
  return errors.map((x): Finding => {
    const message = String(x.message ?? 'invalid').trim();
    if (!x.line) return { code: 'SCHEMA', message };
    return { code: 'SCHEMA', message: `${message} (line ${x.line})`, pointer: paths.get(x.line) ?? `line:${x.line}` };
  });
}

// The official CycloneDX JSON schemas, as shipped by @cyclonedx/cyclonedx-library (res/schema).
const cdxSchemaDir = join(dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const addFormats2019 = ((addFormats2019Module as unknown as { default?: unknown }).default ?? addFormats2019Module) as (ajv: Ajv, o: { formats: string[] }) => Ajv;
/** A CycloneDX JSON schema compiled whole and at the two array items a streaming ingest sees one at a time. */
interface CdxSchema { root: ValidateFunction; component: ValidateFunction; dependency: ValidateFunction }
const cdxSchemas = new Map<string, CdxSchema | null>();

/**
 * The schemas mark object arrays `uniqueItems`, which ajv checks by deep-comparing every pair:
 * 90 s for a 40,000-component document. Duplicates that matter (bom-refs) are found by the
 * parser in linear time (DUPLICATE_REF), so uniqueItems is dropped from the compiled schema.
 */
function withoutUniqueItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUniqueItems);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'uniqueItems') out[k] = withoutUniqueItems(v);
  return out;
}

function cdxSchema(specVersion: string): CdxSchema | null {
  if (cdxSchemas.has(specVersion)) return cdxSchemas.get(specVersion)!;
  let compiled: CdxSchema | null = null;
  try {
    const load = (f: string) => withoutUniqueItems(JSON.parse(readFileSync(join(cdxSchemaDir, f), 'utf8'))) as Record<string, unknown>;
    const schemas: Record<string, Record<string, unknown>> = {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': load('spdx.SNAPSHOT.schema.json'),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': load('jsf-0.82.SNAPSHOT.schema.json'),
    };
    try { schemas['http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json'] = load('cryptography-defs.SNAPSHOT.schema.json'); } catch { /* older library */ }
    // JsonValidator's schema, not the strict one: 1.2/1.3 explicitly allow extension properties.
    const ajv = new Ajv({ allErrors: true, strict: false, strictSchema: false, useDefaults: false, addUsedSchema: false, schemas, loadSchema: (uri: string) => { throw new Error(`remote schemas are disabled: ${uri}`); } } as ConstructorParameters<typeof Ajv>[0]);
    addFormats(ajv);
    addFormats2019(ajv, { formats: ['idn-email'] });
    ajv.addFormat('iri-reference', true);
    const root = load(`bom-${specVersion}.SNAPSHOT.schema.json`);
    const id = String(root.$id);
    ajv.addSchema(root);
    // The array items are $refs into the same document (#/definitions/component, .../dependency).
    const itemRef = (prop: string) => `${id}${String(((root.properties as Record<string, { items: { $ref: string } }>)[prop]!).items.$ref)}`;
    const get = (ref: string) => {
      const fn = ajv.getSchema(ref);
      if (!fn) throw new Error(`schema ${ref} not found`);
      return fn;
    };
    compiled = { root: get(id), component: get(itemRef('components')), dependency: get(itemRef('dependencies')) };
  } catch {
    compiled = null;
  }
  cdxSchemas.set(specVersion, compiled);
  return compiled;
}

/**
 * Validates a CycloneDX JSON document given the way the streaming ingest reads it: the header
 * (top-level members without the components/dependencies arrays), then each array element.
 * Findings carry pointers into the whole document. Capped at MAX_FINDINGS like every sink. The
 * header may be given last (a streaming read knows all of it only at the end); its findings are
 * listed first all the same.
 */
export class CdxJsonSegmentValidator {
  readonly #schema: CdxSchema | null;
  readonly #header: Finding[] = [];
  readonly #elements: Finding[] = [];
  #dropped = 0;

  constructor(readonly specVersion: string) {
    this.#schema = CDX_SCHEMA_VERSIONS.has(specVersion) ? cdxSchema(specVersion) : null;
    if (!CDX_SCHEMA_VERSIONS.has(specVersion)) this.#header.push({ code: 'SCHEMA_UNAVAILABLE', message: `no CycloneDX schema for version ${specVersion}` });
    else if (!this.#schema) this.#header.push({ code: 'SCHEMA_UNAVAILABLE', message: `CycloneDX ${specVersion} JSON schema could not be loaded` });
  }

  /** `arrays`: which of components/dependencies the document has as arrays (checked empty here, item by item below). */
  header(header: Record<string, unknown>, arrays: { components: boolean; dependencies: boolean }): void {
    if (!this.#schema) return;
    const doc = { ...header };
    if (arrays.components) doc.components = [];
    if (arrays.dependencies) doc.dependencies = [];
    this.#check(this.#schema.root, doc, '', this.#header);
  }

  component(index: number, value: unknown): void {
    if (this.#schema) this.#check(this.#schema.component, value, `/components/${index}`, this.#elements);
  }

  dependency(index: number, value: unknown): void {
    if (this.#schema) this.#check(this.#schema.dependency, value, `/dependencies/${index}`, this.#elements);
  }

  /** Header findings first, then element findings in document order, MAX_FINDINGS in all. */
  findings(): Finding[] {
    const all = [...this.#header, ...this.#elements];
    const out = all.slice(0, MAX_FINDINGS);
    const dropped = this.#dropped + all.length - out.length;
    if (dropped > 0) out.push({ code: 'FINDINGS_TRUNCATED', message: `${dropped} further schema errors were dropped` });
    return out;
  }

  #check(validate: ValidateFunction, value: unknown, prefix: string, into: Finding[]): void {
    try {
      if (validate(value)) return;
    } catch (e) {
      // ajv recurses with the document: a hostile nesting depth overflows its stack. Reported, not fatal.
      this.#add(into, { code: 'SCHEMA_ERROR', message: `validation failed: ${e instanceof Error ? e.message : String(e)}`, pointer: prefix });
      return;
    }
    for (const e of validate.errors ?? []) {
      const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
      this.#add(into, { code: 'SCHEMA', message: `${e.message ?? 'invalid'}${extra}`, pointer: prefix + e.instancePath });
    }
  }

  #add(into: Finding[], f: Finding): void {
    if (into.length >= MAX_FINDINGS) this.#dropped++;
    else into.push(f);
  }
}

function validateCycloneDxJson(specVersion: string, doc: unknown): Finding[] {
  const v = new CdxJsonSegmentValidator(specVersion);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [{ code: 'SCHEMA', message: 'must be object', pointer: '' }];
  const d = doc as Record<string, unknown>;
  const components = Array.isArray(d.components) ? d.components : undefined;
  const dependencies = Array.isArray(d.dependencies) ? d.dependencies : undefined;
  v.header(cdxHeaderOf(d), { components: components !== undefined, dependencies: dependencies !== undefined });
  components?.forEach((c, i) => v.component(i, c));
  dependencies?.forEach((x, i) => v.dependency(i, x));
  return v.findings();
}

function toFindings(errors: NonNullable<ValidateFunction['errors']>): Finding[] {
  const findings = errors.slice(0, MAX_FINDINGS).map((e): Finding => {
    const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    return { code: 'SCHEMA', message: `${e.message ?? 'invalid'}${extra}`, pointer: e.instancePath };
  });
  if (errors.length > MAX_FINDINGS) findings.push({ code: 'FINDINGS_TRUNCATED', message: `${errors.length - MAX_FINDINGS} further schema errors were dropped` });
  return findings;
}

const spdxValidators = new Map<string, ValidateFunction | null>();

function spdxValidator(specVersion: string): ValidateFunction | null {
  if (spdxValidators.has(specVersion)) return spdxValidators.get(specVersion)!;
  let fn: ValidateFunction | null = null;
  try {
    const schema = JSON.parse(readFileSync(projectPath('src', 'sbom', 'schemas', `spdx-${specVersion}.schema.json`), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    fn = ajv.compile(schema);
  } catch {
    fn = null;
  }
  spdxValidators.set(specVersion, fn);
  return fn;
}

function validateSpdx(encoding: 'json' | 'tag-value', specVersion: string, bytes: Buffer, parsed?: unknown): Finding[] {
  if (encoding === 'tag-value') {
    return [{ code: 'SCHEMA_UNAVAILABLE', message: 'SPDX publishes no machine-readable schema for tag-value' }];
  }
  const validate = spdxValidator(specVersion);
  if (!validate) return [{ code: 'SCHEMA_UNAVAILABLE', message: `no SPDX ${specVersion} JSON schema bundled` }];
  const doc: unknown = parsed ?? JSON.parse(bytes.toString('utf8'));
  if (validate(doc)) return [];
  return toFindings(validate.errors ?? []);
}
