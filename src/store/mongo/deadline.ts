import { errors } from '../../shared/errors.js';

/**
 * The store's own deadline on an operation, whatever the driver does meanwhile (it may go on
 * retrying a commit in the background): the caller is answered store_unavailable after `ms`. A
 * send answered so may still commit later; the client's retry with the same clientMsgId then
 * gets that message, never a second one.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.storeUnavailable(new Error(`MongoDB did not answer within ${ms} ms`))), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
