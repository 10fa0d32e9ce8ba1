// Schema validation against the official schema of the detected spec version. Findings only:
// an invalid document is still ingested (tolerant parsing); validation never throws.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import addFormats2019Module from 'ajv-formats-draft2019';
import type { DetectedKind } from './detect.ts';
import type { Finding } from './inventory.ts';
import { MAX_FINDINGS } from './util.ts';
import { xmlPathsAtLines } from './xml-path.ts';

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
        return await validateCycloneDx(kind.encoding, specVersion, bytes.toString('utf8'));
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

const cdxVersions = new Set<string>(Object.values(Spec.Version));

async function validateCycloneDx(encoding: 'json' | 'xml', specVersion: string, text: string): Promise<Finding[]> {
  if (!cdxVersions.has(specVersion)) {
    return [{ code: 'SCHEMA_UNAVAILABLE', message: `no CycloneDX schema for version ${specVersion}` }];
  }
  const version = specVersion as Spec.Version;
  // JsonValidator, not JsonStrictValidator: 1.2/1.3 explicitly allow extension properties and the
  // strict variant would report them; from 1.4 on the two are the same schema.
  const validator = encoding === 'json' ? new Validation.JsonValidator(version) : new Validation.XmlValidator(version);
  let result: unknown;
  try {
    result = await validator.validate(text);
  } catch (e) {
    if (e instanceof Validation.NotImplementedError || e instanceof Validation.MissingOptionalDependencyError) {
      return [{ code: 'SCHEMA_UNAVAILABLE', message: `CycloneDX ${specVersion} ${encoding} schema validation is unavailable: ${e.message}` }];
    }
    // libxmljs2 throws for malformed XML, with line/column.
    const err = e as { message?: string; line?: number };
    return [{ code: 'SCHEMA', message: String(err.message ?? e).trim(), ...(err.line ? { pointer: `line:${err.line}` } : {}) }];
  }
  if (result === null || result === undefined) return [];
  const errors = (Array.isArray(result) ? result : [result]).slice(0, MAX_FINDINGS) as Array<{
    instancePath?: string;
    message?: string;
    line?: number;
    params?: unknown;
  }>;
  if (encoding === 'json') {
    return errors.map((x): Finding => {
      const extra = x.params && Object.keys(x.params).length ? ` ${JSON.stringify(x.params)}` : '';
      return { code: 'SCHEMA', message: `${x.message ?? 'invalid'}${extra}`, pointer: x.instancePath ?? '' };
    });
  }
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
const cdxValidators = new Map<string, ValidateFunction | null>();

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

function cdxValidator(specVersion: string): ValidateFunction | null {
  if (cdxValidators.has(specVersion)) return cdxValidators.get(specVersion)!;
  let fn: ValidateFunction | null = null;
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
    fn = ajv.compile(load(`bom-${specVersion}.SNAPSHOT.schema.json`));
  } catch {
    fn = null;
  }
  cdxValidators.set(specVersion, fn);
  return fn;
}

function validateCycloneDxJson(specVersion: string, doc: unknown): Finding[] {
  if (!cdxVersions.has(specVersion)) return [{ code: 'SCHEMA_UNAVAILABLE', message: `no CycloneDX schema for version ${specVersion}` }];
  const validate = cdxValidator(specVersion);
  if (!validate) return [{ code: 'SCHEMA_UNAVAILABLE', message: `CycloneDX ${specVersion} JSON schema could not be loaded` }];
  if (validate(doc)) return [];
  return toFindings(validate.errors ?? []);
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
    const schema = JSON.parse(readFileSync(new URL(`./schemas/spdx-${specVersion}.schema.json`, import.meta.url), 'utf8'));
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
