/**
 * Which policy environment an admission request is decided against.
 *
 * The explicit value (set by the cluster admin in the webhook's
 * `clientConfig`) wins; otherwise the namespace is looked up in the
 * configured namespace → environment map; otherwise there is no environment
 * and the caller decides what that means.
 *
 * An empty explicit value (`?environment=`) counts as absent rather than as
 * an environment named "".
 */
export function resolveEnvironment(
  query: string | undefined,
  namespace: string | undefined,
  namespaceMap: Record<string, string>,
): string | undefined {
  if (query !== undefined && query !== '') return query;
  if (namespace === undefined || namespace === '') return undefined;
  // Object.hasOwn, not `namespaceMap[namespace]`: "constructor" is a valid
  // namespace name (a DNS label) and would otherwise resolve to
  // Object.prototype.constructor.
  if (!Object.hasOwn(namespaceMap, namespace)) return undefined;
  const environment = namespaceMap[namespace];
  return environment === undefined || environment === '' ? undefined : environment;
}
