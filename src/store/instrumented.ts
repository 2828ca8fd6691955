import type { HistogramChild, HotHistogram } from '../shared/hot-metrics.js';
import { secondsSince } from '../shared/metrics.js';
import type { Store } from './store.js';

const REPOSITORIES = ['users', 'messages', 'conversations', 'blocks', 'revocations'] as const;

/**
 * One method, timed into its histogram child (made on the first call, so only operations in use
 * are exposed); the promise answered is the one `then` makes (one per call).
 */
function timedMethod(method: (...args: unknown[]) => unknown, target: object, childOf: () => HistogramChild) {
  let child: HistogramChild | undefined;
  const observe = (started: number) => (child ??= childOf()).observe(secondsSince(started));
  return (...args: unknown[]): unknown => {
    const started = performance.now();
    const result: unknown = method.apply(target, args);
    if (!(result instanceof Promise)) {
      observe(started);
      return result;
    }
    return result.then(
      (answer: unknown) => {
        observe(started);
        return answer;
      },
      (error: unknown) => {
        observe(started);
        throw error;
      },
    );
  };
}

/**
 * Times every call of every repository method, as `<repository>.<method>` (a fixed set of names),
 * failures included. Repositories are plain objects, so each method is wrapped once, up front (a
 * Proxy's get trap on every call cost more than the timing itself).
 */
function timed<R extends object>(name: string, repository: R, histogram: HotHistogram<'operation'>): R {
  const wrapped: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(repository)) {
    const method = value as (...args: unknown[]) => unknown;
    wrapped[property] = typeof value === 'function' ? timedMethod(method, repository, () => histogram.labels(`${name}.${property}`)) : value;
  }
  return wrapped as R;
}

/** The store with every repository call timed into `histogram` (parley_store_operation_duration_seconds). */
export function instrumentStore(store: Store, histogram: HotHistogram<'operation'>): Store {
  const instrumented: Store = { ...store, ping: () => store.ping(), close: () => store.close() };
  for (const name of REPOSITORIES) (instrumented as unknown as Record<string, object>)[name] = timed(name, store[name], histogram);
  return instrumented;
}
