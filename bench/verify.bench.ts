// Throughput of DSSE bundle verification (per CPU-second of this process,
// i.e. one core, measured interleaved so both paths see the same machine): our prepared-trust path against the
// naive per-call @sigstore/verify path (parse the trusted root, toTrustMaterial,
// toSignedEntity, new Verifier(...).verify on every call), same run, same
// fixtures, identical verdicts required.
//
//   node --import tsx bench/verify.bench.ts
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { buildTrust, verifyBundle, type Expectation } from '../src/verify/index.ts';
import { publicGoodTrustedRoot } from '../src/verify/public-good.ts';

import { formatResult, withRatio, type BenchResult } from './harness.ts';

const FIX = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const read = (p: string): Buffer => readFileSync(`${FIX}${p}`);
const readJson = (p: string): unknown => JSON.parse(read(p).toString('utf8'));

interface Fixture {
  name: string;
  bytes: Buffer;
  rootJson: unknown;
  /** Verifier thresholds the naive path needs to mean the same thing as ours. */
  naive: { ctlogThreshold: number; tlogThreshold: number; timestampThreshold: number };
  keyPem?: string;
  expect?: Expectation;
  pass: boolean;
}

function fixtures(): Fixture[] {
  const publicGood = publicGoodTrustedRoot();
  const custom = readJson('sigstore-conformance/intoto-with-custom-trust-root/trusted_root.json');
  const priv = readJson('private-sigstore/trusted_root.json');
  const keyless = { ctlogThreshold: 1, tlogThreshold: 1, timestampThreshold: 1 };
  const noCt = { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 };
  const keyed = { ctlogThreshold: 0, tlogThreshold: 0, timestampThreshold: 0 };
  const p256 = read('private-sigstore/managed-p256.pub').toString('utf8');
  const tamperedSig = readJson('private-sigstore/keyless-dsse.sigstore.json') as { dsseEnvelope: { signatures: Array<{ sig: string }> } };
  const sig = Buffer.from(tamperedSig.dsseEnvelope.signatures[0]?.sig ?? '', 'base64');
  sig[sig.length - 3] = (sig[sig.length - 3] ?? 0) ^ 1;
  tamperedSig.dsseEnvelope.signatures[0] = { ...tamperedSig.dsseEnvelope.signatures[0], sig: sig.toString('base64') };
  return [
    { name: 'slsa generic (public-good, v0.3)', bytes: read('slsa/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl'), rootJson: publicGood, naive: keyless, pass: true },
    { name: 'slsa container (public-good, v0.2)', bytes: read('slsa/gha_container-based-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.build.slsa'), rootJson: publicGood, naive: keyless, pass: true },
    { name: 'conformance intoto-in-dsse-v3', bytes: read('sigstore-conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json'), rootJson: publicGood, naive: keyless, pass: true },
    { name: 'conformance custom trust root', bytes: read('sigstore-conformance/intoto-with-custom-trust-root/bundle.sigstore.json'), rootJson: custom, naive: keyless, pass: true },
    { name: 'private keyless dsse', bytes: read('private-sigstore/keyless-dsse.sigstore.json'), rootJson: priv, naive: noCt, pass: true },
    { name: 'private keyed p256', bytes: read('private-sigstore/keyed-p256.sigstore.json'), rootJson: priv, naive: keyed, keyPem: p256, pass: true },
    { name: 'private keyless dsse, signature flipped', bytes: Buffer.from(JSON.stringify(tamperedSig)), rootJson: priv, naive: noCt, pass: false },
  ];
}

/** The per-call path a first implementation would write. */
function naiveVerify(f: Fixture): void {
  const material = toTrustMaterial(TrustedRoot.fromJSON(f.rootJson), (hint) => {
    if (!f.keyPem) throw new Error(`no key ${hint}`);
    return { publicKey: crypto.createPublicKey(f.keyPem), validFor: () => true };
  });
  const bundle = bundleFromJSON(JSON.parse(f.bytes.toString('utf8')));
  new Verifier(material, f.naive).verify(toSignedEntity(bundle));
}


function verdict(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/** CPU time of this process in ms (user + system): immune to other processes sharing the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs `a` and `b` in alternating slices of ~`sliceMs` until each has used
 * `minMs` of CPU, so both see the same machine state; returns calls per
 * CPU-second of each (one core).
 */
function interleaved(a: () => void, b: () => void, minMs: number, sliceMs = 50): [number, number] {
  for (let i = 0; i < 10; i++) {
    a();
    b();
  }
  const total = [0, 0];
  const calls = [0, 0];
  const fns = [a, b];
  while ((total[0] as number) < minMs || (total[1] as number) < minMs) {
    for (let k = 0; k < 2; k++) {
      const fn = fns[k] as () => void;
      const t0 = cpuMs();
      let n = 0;
      let dt = 0;
      while (dt < sliceMs) {
        fn();
        n++;
        dt = cpuMs() - t0;
      }
      total[k] = (total[k] as number) + dt;
      calls[k] = (calls[k] as number) + n;
    }
  }
  return [((calls[0] as number) * 1000) / (total[0] as number), ((calls[1] as number) * 1000) / (total[1] as number)];
}

export async function runVerifyBench(opts: { minMs?: number } = {}): Promise<BenchResult[]> {
  const minMs = opts.minMs ?? 2000;
  const all = fixtures();
  const trust = buildTrust({
    publicGood: true,
    trustedRoots: [
      { name: 'conformance-custom', json: readJson('sigstore-conformance/intoto-with-custom-trust-root/trusted_root.json') },
      { name: 'private', json: readJson('private-sigstore/trusted_root.json') },
    ],
    keys: [{ name: 'release-p256', pem: read('private-sigstore/managed-p256.pub').toString('utf8') }],
  });
  const ours = (f: Fixture): void => void verifyBundle(trust, f.bytes, f.expect ? { expect: f.expect } : {});

  for (const f of all) {
    const a = verdict(() => naiveVerify(f));
    const b = verdict(() => ours(f));
    if (a !== f.pass || b !== f.pass) throw new Error(`verdict mismatch on ${f.name}: naive=${a} ours=${b} expected=${f.pass}`);
  }
  const passing = all.filter((f) => f.pass);
  let i = 0;
  const naiveMix = (): void => naiveVerify(passing[i++ % passing.length] as Fixture);
  let j = 0;
  const oursMix = (): void => ours(passing[j++ % passing.length] as Fixture);
  const [naive, fast] = interleaved(naiveMix, oursMix, minMs);
  const naiveName = 'naive path (toTrustMaterial + toSignedEntity + new Verifier per call)';
  const results: BenchResult[] = [
    withRatio({ name: `verify bundles, mix of ${passing.length} passing fixtures (identical verdicts on all ${all.length})`, value: Math.round(fast), unit: 'bundles/cpu-s', baseline: { name: naiveName, value: Math.round(naive) }, target: '>= 300/s, ratio >= 3' }),
  ];
  for (const f of passing) {
    const [n, o] = interleaved(() => naiveVerify(f), () => ours(f), minMs / 4);
    results.push(withRatio({ name: `  verify ${f.name}`, value: Math.round(o), unit: 'bundles/cpu-s', baseline: { name: 'naive', value: Math.round(n) } }));
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await runVerifyBench();
  for (const r of results) console.log(formatResult(r));
}
