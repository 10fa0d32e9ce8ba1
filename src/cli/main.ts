// `attestant` command-line entry point. Returns the process exit code.
import { loadClientConfig } from '../config/index.ts';
import { ApiClient } from './client.ts';
import { UsageError } from './args.ts';

const HELP = `attestant: supply-chain provenance and attestation service

  attestant serve                                   run the service (what npm start runs)
  attestant upload FILE... [--artifact sha256:..] [--service NAME] [--name NAME] [--strict]
                                                    upload SBOMs or attestations (detected from content)
  attestant usage PURL [--range vers:...] [--env ENV] [--vulnerability ID] [--name] [--json|--csv] [--limit N]
                                                    where-used search
  attestant check sha256:... --env ENV [--service S] [--record]
                                                    ask for a deploy decision (exit 0 allow, 1 deny, 2 unavailable)
  attestant verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
                          [--trusted-root FILE] FILE_OR_DIGEST
                                                    verify a Sigstore bundle offline (sigstore-conformance protocol)
  attestant token list | create NAME --scopes S,... [--expires-at T] | revoke ID
                                                    manage API tokens (admin): a new secret is printed once
  attestant exception list [--env E] [--all] | grant --env E (--artifact D | --component PURL)
                          --owner O --justification J (--expires-at T | --days N) | revoke ID
                                                    time-boxed policy exceptions (grant and revoke: admin)
  attestant policy validate [DIR] [--json]          check policy files as the server would (exit 0 valid, 1 not)
  attestant audit verify [--from SEQ:HASH]          walk the audit hash chain (uses DATABASE_URL or the embedded database),
                                                    or only the events after a checkpoint an earlier run printed
  attestant openapi [FILE]                          write the OpenAPI document

Client commands read ATTESTANT_URL (default http://127.0.0.1:8080) and ATTESTANT_TOKEN.`;

export interface Io { stdout: (s: string) => void; stderr: (s: string) => void }
const defaultIo: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve': {
        const { serve } = await import('../server.ts');
        await serve();
        return 0;
      }
      case 'upload': {
        const { runUpload } = await import('./upload.command.ts');
        return await runUpload(rest, new ApiClient(loadClientConfig()), io);
      }
      case 'usage': {
        const { runUsage } = await import('./usage.command.ts');
        return await runUsage(rest, new ApiClient(loadClientConfig()), io);
      }
      case 'check': {
        const { runCheck } = await import('./check.command.ts');
        return await runCheck(rest, new ApiClient(loadClientConfig()), io);
      }
      case 'token': {
        const { runToken } = await import('./token.command.ts');
        return await runToken(rest, new ApiClient(loadClientConfig()), io);
      }
      case 'exception': {
        const { runException } = await import('./exception.command.ts');
        return await runException(rest, new ApiClient(loadClientConfig()), io);
      }
      case 'verify-bundle': {
        const { runVerifyBundle } = await import('./verify-bundle.ts');
        return await runVerifyBundle(rest, io);
      }
      case 'policy': {
        const { runPolicy } = await import('./policy.command.ts');
        return runPolicy(rest, io);
      }
      case 'audit': {
        const { runAudit } = await import('./audit.command.ts');
        return await runAudit(rest, io);
      }
      case 'openapi': {
        const { runOpenapi } = await import('./openapi.command.ts');
        return await runOpenapi(rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${HELP}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        io.stderr(`unknown command: ${cmd}\n\n${HELP}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    const e = err as { cause?: { code?: string; message?: string }; message?: string };
    // fetch() says only "fetch failed" and puts why in its cause; only the client commands fetch.
    if (err instanceof TypeError && e.message === 'fetch failed') {
      const why = e.cause?.code === 'ECONNREFUSED' ? 'connection refused' : e.cause?.code ?? e.cause?.message ?? 'no answer';
      io.stderr(`cannot reach the Attestant service (${loadClientConfig().url}): ${why}\n`);
      return 2;
    }
    io.stderr(`${e?.message ?? String(err)}\n`);
    return 2;
  }
}
