import { readFileSync } from 'node:fs';
import { parseArgs, str, UsageError } from './args.ts';
import { describeProblem, type ApiClient } from './client.ts';
import type { Io } from './main.ts';

/** Attestation or SBOM? Sigstore bundles, DSSE envelopes and .intoto.jsonl go to /v1/attestations. */
export function looksLikeAttestation(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('utf8');
  return /"mediaType"\s*:\s*"application\/vnd\.dev\.sigstore\.bundle/.test(head)
    || /"payloadType"\s*:/.test(head)
    || /"dsseEnvelope"\s*:/.test(head);
}

export async function runUpload(argv: string[], client: ApiClient, io: Io): Promise<number> {
  const args = parseArgs(argv, ['strict', 'json']);
  if (args.positionals.length === 0) throw new UsageError('usage: attestant upload FILE... [--artifact sha256:...] [--service NAME] [--name NAME] [--strict]');
  let failed = 0;
  for (const file of args.positionals) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      // One unreadable file (missing, a directory) fails on its own; the others still upload.
      failed++;
      const e = err as NodeJS.ErrnoException;
      io.stderr(`${file}: cannot read it (${e.code === 'EISDIR' ? 'a directory: name the files in it' : e.code === 'ENOENT' ? 'no such file' : e.message})\n`);
      continue;
    }
    const q = new URLSearchParams();
    const attestation = looksLikeAttestation(bytes);
    const artifact = str(args, 'artifact');
    const service = str(args, 'service');
    const name = str(args, 'name');
    if (service) q.set('service', service);
    if (!attestation) {
      if (artifact) q.set('artifact', artifact);
      if (name) q.set('name', name);
      if (args.flags.strict) q.set('strict', 'true');
    }
    const path = `${attestation ? '/v1/attestations' : '/v1/sboms'}${q.size ? `?${q}` : ''}`;
    const contentType = attestation ? 'application/json' : (bytes[0] === 0x1f && bytes[1] === 0x8b ? 'application/gzip' : /^\s*</.test(bytes.subarray(0, 64).toString('utf8')) ? 'application/xml' : 'application/json');
    const res = await client.request('POST', path, { body: bytes, contentType });
    if (res.status >= 400) {
      failed++;
      io.stderr(`${file}: ${describeProblem(res)}\n`);
      continue;
    }
    const b = res.body as Record<string, unknown>;
    if (args.flags.json) { io.stdout(`${JSON.stringify(b)}\n`); continue; }
    const state = res.status === 201 ? 'stored' : 'already stored';
    if (attestation) {
      io.stdout(`${file}: ${state} attestation ${String(b.id ?? '')} (${String(b.predicateType ?? '')})\n`);
    } else {
      const warnings = Array.isArray(b.warnings) ? b.warnings.length : 0;
      io.stdout(`${file}: ${state} SBOM ${String(b.id)} ${String(b.format)} ${String(b.specVersion)}, ${String(b.componentCount)} components, ${warnings} warnings, digest ${String(b.digest)}\n`);
    }
  }
  return failed ? 1 : 0;
}
