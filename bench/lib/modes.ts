export type Mode = 'full' | 'quick' | 'smoke' | 'soak';

export interface MessagingSettings {
  pairs: number;
  inFlightPerSender: number;
  messageChars: number;
  rampMs: number;
  durationMs: number;
  drainTimeoutMs: number;
}

export interface ModeSettings {
  mode: Mode;
  warmupRounds: number;
  rounds: number;
  /** Length of a warm-up run's window (measured runs use messaging.durationMs). */
  warmupDurationMs: number;
  messaging: MessagingSettings;
  /** S2: the fixed open-loop rate, and the fraction of R's S1 capacity for the second rate. */
  s2FixedRate: number;
  s2CapacityFraction: number;
  s3Instances: number[];
  /** S3: open-loop rate every instance count sustains, so CPU per message compares equal work. */
  s3Rate: number;
  /** S4: idle sockets per level (clamped below the hard open-file limit), connects in flight. */
  s4Levels: number[];
  s4ConnectConcurrency: number;
  /** S5: messages in the conversation; GET concurrency; window. */
  s5Sizes: number[];
  s5Concurrency: number;
  s5DurationMs: number;
  /** S6: users logging in, logins in flight, open-loop message rate alongside. */
  s6LoginUsers: number;
  s6LoginConcurrency: number;
  s6MessageRate: number;
  /** S6 windows are long: one argon2id verification takes about half a core-second here. */
  s6DurationMs: number;
  /** S6: also run the login storm without messaging (information only). */
  s6LoginsAlone: boolean;
  /** S4 does its own warm-up inside each run (a fresh server per run): no warm-up rounds. */
  s4WarmupRounds: number;
  /** S4: pause before each memory reading, so the server is done with the last handshakes. */
  s4SettleMs: number;
  s6WarmupRounds: number;
  /** S7 overload: multiples of the measured capacity offered, and the windows (ms). */
  s7: { multiples: number[]; capacityMs: number; levelMs: number; overloadMs: number; recoveryMs: number };
  /**
   * S8 inbox: messages in the store; conversations per measured user (one user per level, the
   * largest level also has `fillerUsers` more users like it, so the store holds many inboxes);
   * how deep the deep page is (pages followed by nextCursor); conversations moved by new
   * messages after the deep cursor was taken; GET concurrency; window.
   */
  s8: { messages: number; levels: number[]; fillerUsers: number; deepPages: number; moved: number; concurrency: number; durationMs: number };
  /**
   * S9 typing flood: pairs (one side of each floods `typing` for their conversation), total offered
   * rates (events/s, open loop), one false per pair every `falseEveryMs` of its events (the rest
   * true), window, drain, and how much shorter than the 1-s throttle a gap between two forwarded
   * trues may look at the receiver (delivery jitter).
   */
  s9: { pairs: number; rates: number[]; falseEveryMs: number; durationMs: number; drainTimeoutMs: number; jitterMs: number };
  /** S10 measures a 3% difference on a machine that drifts more than that between rounds: more rounds, order alternated, a fixed rate. */
  s10: { rounds: number; ratePerSecond: number };
  /** The soak: length, window, load, reconnecting clients and how long each stays (ms), minutes before trends count. */
  soak: { minutes: number; windowMs: number; capacityFraction: number; churnClients: number; holdMs: [number, number]; settleMinutes: number };
  defaultScenarios: string[];
}

const full: ModeSettings = {
  mode: 'full',
  warmupRounds: 1,
  rounds: 3,
  warmupDurationMs: 4000,
  messaging: { pairs: 50, inFlightPerSender: 10, messageChars: 100, rampMs: 1000, durationMs: 8000, drainTimeoutMs: 20_000 },
  s2FixedRate: 2000,
  s2CapacityFraction: 0.5,
  s3Instances: [1, 2, 3],
  s3Rate: 500,
  s4Levels: [1000, 5000, 10_000, 20_000],
  s4ConnectConcurrency: 64,
  s5Sizes: [10_000, 100_000, 1_000_000],
  s5Concurrency: 4,
  s5DurationMs: 6000,
  s6LoginUsers: 64,
  s6LoginConcurrency: 4,
  s6MessageRate: 2000,
  s6DurationMs: 15_000,
  s6LoginsAlone: true,
  s4WarmupRounds: 0,
  s4SettleMs: 1000,
  s6WarmupRounds: 1,
  s7: { multiples: [0.5, 1, 2, 3], capacityMs: 8000, levelMs: 10_000, overloadMs: 30_000, recoveryMs: 10_000 },
  s8: { messages: 1_000_000, levels: [100, 1000], fillerUsers: 39, deepPages: 10, moved: 100, concurrency: 4, durationMs: 6000 },
  s9: { pairs: 50, rates: [2000, 10_000], falseEveryMs: 2500, durationMs: 8000, drainTimeoutMs: 10_000, jitterMs: 100 },
  s10: { rounds: 6, ratePerSecond: 3000 },
  soak: { minutes: 60, windowMs: 60_000, capacityFraction: 0.5, churnClients: 40, holdMs: [5000, 20_000], settleMinutes: 5 },
  defaultScenarios: ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10'],
};

const quick: ModeSettings = {
  ...full,
  mode: 'quick',
  warmupRounds: 1,
  rounds: 3,
  warmupDurationMs: 500,
  messaging: { ...full.messaging, rampMs: 200, durationMs: 1000, drainTimeoutMs: 8000 },
  s4Levels: [1000, 2000],
  s4SettleMs: 300,
  s5Sizes: [10_000, 100_000],
  s5DurationMs: 1000,
  s6DurationMs: 2500,
  s6LoginsAlone: false,
  s6WarmupRounds: 0,
  s7: { multiples: [0.5, 3], capacityMs: 2000, levelMs: 3000, overloadMs: 5000, recoveryMs: 3000 },
  s8: { ...full.s8, messages: 100_000, fillerUsers: 9, durationMs: 1000 },
  s9: { ...full.s9, durationMs: 3000 },
  s10: { rounds: 3, ratePerSecond: 3000 },
};

const smoke: ModeSettings = {
  ...quick,
  mode: 'smoke',
  warmupRounds: 0,
  rounds: 1,
  warmupDurationMs: 300,
  messaging: { pairs: 3, inFlightPerSender: 5, messageChars: 100, rampMs: 150, durationMs: 500, drainTimeoutMs: 5000 },
  s2FixedRate: 300,
  s3Instances: [1, 2],
  s3Rate: 200,
  s4Levels: [100, 200],
  s5Sizes: [1000, 5000],
  s5DurationMs: 500,
  s6LoginUsers: 8,
  s6LoginConcurrency: 4,
  s6MessageRate: 300,
  s6DurationMs: 2000,
  s7: { multiples: [3], capacityMs: 500, levelMs: 500, overloadMs: 1000, recoveryMs: 500 },
  s8: { messages: 3000, levels: [60, 160], fillerUsers: 1, deepPages: 2, moved: 20, concurrency: 2, durationMs: 400 },
  s9: { pairs: 3, rates: [300], falseEveryMs: 1500, durationMs: 2000, drainTimeoutMs: 5000, jitterMs: 100 },
  s10: { rounds: 1, ratePerSecond: 300 },
  defaultScenarios: ['S1', 'S2'],
};

const soak: ModeSettings = { ...full, mode: 'soak', defaultScenarios: ['SOAK'] };

export const modes: Record<Mode, ModeSettings> = { full, quick, smoke, soak };
