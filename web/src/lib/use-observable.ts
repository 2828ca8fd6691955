import { useEffect, useState } from 'preact/hooks';
import type { Observable } from '../../../src/client/index.js';

/** The current value of one of the client's observables; re-renders on each change. */
export function useObservable<T>(observable: Observable<T>): T {
  const [value, setValue] = useState<{ current: T }>(() => ({ current: observable.get() }));
  useEffect(() => {
    setValue({ current: observable.get() });
    return observable.subscribe((next) => setValue({ current: next }));
  }, [observable]);
  return value.current;
}
