// Bearer-token auth. Every route must declare `config.scope`; a route without one fails start-up,
// so no route can be added unprotected by accident.
import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { grants, type RouteScope } from './scopes.ts';
import { hashToken } from './tokens.ts';
import type { TokenRepository } from '../graph/token.repository.ts';

export interface Principal { tokenId: string; name: string; scopes: string[] }

declare module 'fastify' {
  interface FastifyContextConfig { scope?: RouteScope }
  interface FastifyRequest { principal?: Principal }
}

export class AuthError extends AppError<'UNAUTHENTICATED' | 'FORBIDDEN'> {}

export interface AuthOptions {
  tokens: TokenRepository;
  adminToken?: string;
  /** How long a verified token is trusted without re-reading the database (revocation latency). */
  cacheTtlMs?: number;
}

const PUBLIC_PREFIXES = ['/docs'];

export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    const adminHash = opts.adminToken ? Buffer.from(hashToken(opts.adminToken), 'hex') : undefined;
    const ttl = opts.cacheTtlMs ?? 10_000;
    const cache = new Map<string, { principal: Principal; until: number }>();

    app.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as { scope?: RouteScope };
      if (config.scope) return;
      if (PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) {
        route.config = { ...(route.config ?? {}), scope: 'public' } as typeof route.config;
        return;
      }
      throw new Error(`route ${route.method} ${route.url} declares no scope (config.scope)`);
    });

    function bearer(request: FastifyRequest): string {
      const header = request.headers.authorization;
      const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!m?.[1]) throw new AuthError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>).');
      return m[1];
    }

    /** Verified tokens are remembered in memory for `ttl` (never persisted unhashed). */
    function cached(token: string): Principal | undefined {
      const c = cache.get(token);
      return c && c.until > Date.now() ? c.principal : undefined;
    }

    async function authenticate(token: string): Promise<Principal> {
      const hash = hashToken(token);
      let principal: Principal;
      if (adminHash && timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) {
        principal = { tokenId: 'bootstrap-admin', name: 'ATTESTANT_ADMIN_TOKEN', scopes: ['admin'] };
      } else {
        const stored = await opts.tokens.findActiveByHash(hash);
        if (!stored) throw new AuthError('UNAUTHENTICATED', 'The bearer token is not valid.');
        principal = { tokenId: stored.id, name: stored.name, scopes: stored.scopes };
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(token, { principal, until: Date.now() + ttl });
      return principal;
    }

    function admit(request: FastifyRequest, principal: Principal, scope: Exclude<RouteScope, 'public'>): void {
      if (!grants(principal.scopes, scope)) throw new AuthError('FORBIDDEN', `This route needs the '${scope}' scope.`);
      request.principal = principal;
    }

    // Callback style: a known token is admitted synchronously; only a new one waits for a lookup.
    app.addHook('onRequest', (request, _reply, done) => {
      const scope = (request.routeOptions.config as { scope?: RouteScope } | undefined)?.scope;
      if (!scope || scope === 'public') return done();
      let token: string;
      try {
        token = bearer(request);
        const known = cached(token);
        if (known) {
          admit(request, known, scope);
          return done();
        }
      } catch (err) {
        return done(err as Error);
      }
      authenticate(token).then((p) => {
        admit(request, p, scope);
        done();
      }).catch((err: Error) => done(err));
    });
  },
  { name: 'auth', dependencies: ['problem'] },
);
