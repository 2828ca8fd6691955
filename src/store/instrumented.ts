import type { HotHistogram } from '../shared/hot-metrics.js';
import { secondsSince } from '../shared/metrics.js';
import type { Store } from './store.js';

const REPOSITORIES = ['users', 'messages', 'conversations', 'blocks', 'revocations'] as const;

/**
 * Times every call of every repository method, as `<repository>.<method>` (a fixed set of names),
 * failures included. The wrappers are made once per method, on first use.
 */
function timed<R extends object>(name: string, repository: R, histogram: HotHistogram<'operation'>): R {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        const child = histogram.labels(`${name}.${property}`);
        const end = (started: number) => child.observe(secondsSince(started));
        wrapper = (...args: unknown[]) => {
          const started = performance.now();
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) {
            end(started);
            return result;
          }
          return result.then(
            (answer: unknown) => {
              end(started);
              return answer;
            },
            (error: unknown) => {
              end(started);
              throw error;
            },
          );
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

/** The store with every repository call timed into `histogram` (parley_store_operation_duration_seconds). */
export function instrumentStore(store: Store, histogram: HotHistogram<'operation'>): Store {
  const instrumented: Store = { ...store, ping: () => store.ping(), close: () => store.close() };
  for (const name of REPOSITORIES) (instrumented as unknown as Record<string, object>)[name] = timed(name, store[name], histogram);
  return instrumented;
}
