// Bearer-token auth. Every route must declare `config.scope`; a route without one fails start-up,
// so no route can be added unprotected by accident.
import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import { grants, type RouteScope } from './scopes.ts';
import { hashToken } from './tokens.ts';
import { appendRouteHook } from './route-hooks.ts';
import type { TokenRepository } from '../graph/token.repository.ts';

export interface Principal { tokenId: string; name: string; scopes: string[]; expiresAt?: Date }

declare module 'fastify' {
  interface FastifyContextConfig { scope?: RouteScope }
  interface FastifyRequest { principal?: Principal }
}

export class AuthError extends AppError<'UNAUTHENTICATED' | 'FORBIDDEN'> {}

/**
 * Tokens verified recently, in memory only, so a known token costs no database read. Revocation
 * clears it (on every replica, through the change feed); the time to live bounds how long a
 * revoked token can still pass while notices cannot arrive.
 */
export class VerifiedTokens {
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly ttlMs = 10_000) {}

  get(token: string): Principal | undefined {
    const c = this.#entries.get(token);
    return c && c.until > Date.now() ? c.principal : undefined;
  }

  set(token: string, principal: Principal): void {
    if (this.#entries.size > 10_000) this.#entries.clear();
    // Never past the token's own expiry.
    this.#entries.set(token, { principal, until: Math.min(Date.now() + this.ttlMs, principal.expiresAt?.getTime() ?? Infinity) });
  }

  clear(): void {
    this.#entries.clear();
  }
}

export interface AuthOptions {
  tokens: TokenRepository;
  adminToken?: string;
  verified?: VerifiedTokens;
}

const PUBLIC_PREFIXES = ['/docs'];

export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    const adminHash = opts.adminToken ? Buffer.from(hashToken(opts.adminToken), 'hex') : undefined;
    const verified = opts.verified ?? new VerifiedTokens();

    app.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as { scope?: RouteScope };
      const scope = config.scope;
      if (scope === 'public') return;
      if (scope) {
        appendRouteHook(route, 'onRequest', guard(scope));
        return;
      }
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

    async function authenticate(token: string): Promise<Principal> {
      const hash = hashToken(token);
      let principal: Principal;
      if (adminHash && timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) {
        principal = { tokenId: 'bootstrap-admin', name: 'ATTESTANT_ADMIN_TOKEN', scopes: ['admin'] };
      } else {
        const stored = await opts.tokens.findActiveByHash(hash);
        if (!stored) throw new AuthError('UNAUTHENTICATED', 'The bearer token is not valid.');
        principal = { tokenId: stored.id, name: stored.name, scopes: stored.scopes, ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}) };
      }
      verified.set(token, principal);
      return principal;
    }

    function admit(request: FastifyRequest, principal: Principal, scope: Exclude<RouteScope, 'public'>): void {
      if (!grants(principal.scopes, scope)) throw new AuthError('FORBIDDEN', `This route needs the '${scope}' scope.`);
      request.principal = principal;
    }

    /**
     * The onRequest hook of a route that needs `scope` (made per route, see route-hooks.ts).
     * Callback style: a known token is admitted synchronously; only a new one waits for a lookup.
     */
    function guard(scope: Exclude<RouteScope, 'public'>): onRequestHookHandler {
      return (request, _reply, done) => {
        let token: string;
        try {
          token = bearer(request);
          const known = verified.get(token);
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
      };
    }
  },
  { name: 'auth', dependencies: ['problem'] },
);
