// SPDX 2.2 / 2.3 tag-value → Inventory. Format: https://spdx.github.io/spdx-spec/v2.3/conformance/
// ("Tag: value" lines; multi-line values wrapped in <text>...</text>). A PackageName starts a
// package section (clause 7.1), FileName a file (8.1), SnippetSPDXID a snippet (9.1), LicenseID an
// extracted licence (10.1); an SPDXID line belongs to the section it appears in.
import type { Inventory } from './inventory.ts';
import type { Sniffed } from './detect.ts';
import { buildSpdxInventory, toSpdxVersion, type SpdxModel, type SpdxRawPackage } from './spdx.builder.ts';
import { FindingSink } from './util.ts';

type Section = { kind: 'document' } | { kind: 'package'; pkg: SpdxRawPackage } | { kind: 'file' } | { kind: 'snippet' } | { kind: 'license' };

export function parseSpdxTagValue(sniffed: Sniffed): Inventory {
  const sink = new FindingSink(false);
  const model: SpdxModel = {
    spdxVersion: undefined,
    name: undefined,
    namespace: undefined,
    documentId: 'SPDXRef-DOCUMENT',
    packages: [],
    nonPackageIds: new Set(),
    relationships: [],
    documentDescribes: [],
  };
  let versionLine = 'line:1';
  let section: Section = { kind: 'document' };

  for (const { tag, value, line } of tagValues(sniffed.text, sink)) {
    const loc = `line:${line}`;
    switch (tag) {
      case 'SPDXVersion':
        if (model.spdxVersion === undefined) {
          model.spdxVersion = value;
          versionLine = loc;
        }
        break;
      case 'DocumentName':
        model.name = value;
        break;
      case 'DocumentNamespace':
        model.namespace = value;
        break;
      case 'PackageName': {
        const pkg: SpdxRawPackage = { at: loc, fieldAt: () => loc, id: undefined, name: value, version: undefined, purls: [], checksums: [] };
        model.packages.push(pkg);
        section = { kind: 'package', pkg };
        break;
      }
      case 'FileName':
        section = { kind: 'file' };
        break;
      case 'SnippetSPDXID':
        model.nonPackageIds.add(value);
        section = { kind: 'snippet' };
        break;
      case 'LicenseID':
        section = { kind: 'license' };
        break;
      case 'SPDXID':
        switch (section.kind) {
          case 'document':
            model.documentId = value;
            break;
          case 'package':
            if (section.pkg.id === undefined) {
              section.pkg.id = value;
              section.pkg.fieldAt = () => loc;
            }
            break;
          case 'file':
          case 'snippet':
            model.nonPackageIds.add(value);
            break;
          case 'license':
            break;
          default: {
            const never: never = section;
            throw new Error(`unhandled section ${JSON.stringify(never)}`);
          }
        }
        break;
      case 'PackageVersion':
        if (section.kind === 'package') section.pkg.version = value;
        break;
      case 'ExternalRef': {
        // "ExternalRef: PACKAGE-MANAGER purl pkg:npm/foo@1" (clause 7.21)
        const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
        if (section.kind === 'package' && m && m[2] === 'purl' && /^PACKAGE[-_]MANAGER$/.test(m[1]!)) {
          section.pkg.purls.push({ locator: m[3], at: loc });
        }
        break;
      }
      case 'PackageChecksum': {
        // "PackageChecksum: SHA256: 0d6e..." (clause 7.10)
        const m = /^([^:\s]+)\s*:\s*(\S+)/.exec(value);
        if (section.kind !== 'package') break;
        if (m) section.pkg.checksums.push({ alg: m[1], value: m[2], at: loc });
        else sink.add('INVALID_FIELD', 'PackageChecksum is not "ALGORITHM: value"', loc);
        break;
      }
      case 'Relationship': {
        // "Relationship: SPDXRef-A DEPENDS_ON SPDXRef-B" (clause 11.1); the relationship does not
        // end the current section.
        const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
        if (m) model.relationships.push({ a: m[1], type: m[2], b: m[3], at: loc });
        else sink.add('INVALID_FIELD', 'Relationship is not "A TYPE B"', loc);
        break;
      }
      default:
        break; // every other tag is irrelevant to the inventory
    }
  }
  const specVersion = toSpdxVersion(model.spdxVersion, versionLine);
  return buildSpdxInventory(model, 'tag-value', specVersion, sink);
}

/** Yields tag/value pairs; a value starting with <text> runs until the line containing </text>. */
function* tagValues(text: string, sink: FindingSink): Generator<{ tag: string; value: string; line: number }> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      sink.add('INVALID_LINE', 'line is not "Tag: value"; ignored', `line:${i + 1}`);
      continue;
    }
    const tag = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    const start = i;
    if (value.startsWith('<text>')) {
      value = value.slice('<text>'.length);
      const parts: string[] = [];
      let rest = value;
      while (!rest.includes('</text>')) {
        parts.push(rest);
        if (++i >= lines.length) {
          sink.add('UNTERMINATED_TEXT', `<text> value of ${tag} is not closed`, `line:${start + 1}`);
          rest = '</text>';
          break;
        }
        rest = lines[i]!;
      }
      parts.push(rest.slice(0, rest.indexOf('</text>')));
      value = parts.join('\n');
    }
    yield { tag, value, line: start + 1 };
  }
}
