import type { Logger } from '../../../shared/logger.js';
import { periodicJob, type PeriodicJob } from '../../../shared/periodic-job.js';
import type { RevocationRepository } from './revocations.repository.js';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Forgets, every hour, revocations of credentials that have expired anyway. */
export function createRevocationPurge(revocations: RevocationRepository, logger: Logger, intervalMs = PURGE_INTERVAL_MS): PeriodicJob {
  return periodicJob(
    intervalMs,
    async () => {
      const purged = await revocations.purgeExpired(new Date());
      logger.debug({ purged }, 'expired revocations purged');
    },
    (error) => logger.warn({ err: error }, 'revocation purge failed'),
  );
}
