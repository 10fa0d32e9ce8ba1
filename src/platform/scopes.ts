export const SCOPES = ['ingest', 'decide', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
/** What a route needs: a scope, or 'public' for the unauthenticated operational routes. */
export type RouteScope = Scope | 'public';

/** `admin` implies every other scope. */
export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}
