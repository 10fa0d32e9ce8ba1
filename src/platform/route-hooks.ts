// Per-route hooks, added from an onRoute hook. A hook made for one route knows that route's
// options when it is made, so it need not read request.routeOptions, a getter that builds a new
// object of twelve fields on every call (three per request when three global hooks each read it).
import type { RouteOptions } from 'fastify';

type RouteHookName = 'onRequest' | 'preValidation' | 'onResponse';

/** Runs `hook` for this route after the hooks the route declares itself (and after every global one). */
export function appendRouteHook<K extends RouteHookName>(route: RouteOptions, name: K, hook: Exclude<RouteOptions[K], unknown[] | undefined>): void {
  const existing = route[name] as unknown;
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  (route as Record<RouteHookName, unknown>)[name] = [...list, hook];
}
