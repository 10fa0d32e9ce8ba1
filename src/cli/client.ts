// HTTP client for the CLI's commands: everything goes through the public API.
import type { ClientConfig } from '../config/index.ts';

export interface ApiResponse { status: number; contentType: string; body: unknown; text: string; headers: Headers }

export class ApiClient {
  constructor(private readonly cfg: ClientConfig) {}

  async request(method: string, path: string, opts: { body?: Buffer | string | object; contentType?: string; accept?: string } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    if (this.cfg.token) headers.authorization = `Bearer ${this.cfg.token}`;
    let body: Buffer | string | undefined;
    if (opts.body !== undefined) {
      if (Buffer.isBuffer(opts.body) || typeof opts.body === 'string') body = opts.body;
      else body = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    const res = await fetch(`${this.cfg.url}${path}`, { method, headers, body });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/.test(contentType)) { try { parsed = JSON.parse(text); } catch { /* keep text */ } }
    return { status: res.status, contentType, body: parsed, text, headers: res.headers };
  }
}

/** Prints the problem an answer carries and gives the exit code of a refused request (1). */
export function reportProblem(io: { stderr(s: string): void }, r: ApiResponse): number {
  io.stderr(`${describeProblem(r)}\n`);
  return 1;
}

export function describeProblem(r: ApiResponse): string {
  const p = r.body as { code?: string; detail?: string; pointer?: string } | undefined;
  if (p && typeof p === 'object' && p.code) return `${r.status} ${p.code}: ${p.detail ?? ''}${p.pointer ? ` (at ${p.pointer})` : ''}`;
  return `${r.status}: ${r.text.slice(0, 500)}`;
}
