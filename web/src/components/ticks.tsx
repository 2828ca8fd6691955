import type { Tick } from '../lib/ticks.js';

const LABELS: Record<Tick | 'sending', string> = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read' };
const MARKS: Record<Tick | 'sending', string> = { sending: '…', sent: '✓', delivered: '✓✓', read: '✓✓' };

/** One grey tick when stored, two when a device of the peer has it, two blue ones when read. */
export function Ticks({ tick }: { tick: Tick | 'sending' }) {
  return (
    <span class={`ticks ${tick}`} role="img" aria-label={LABELS[tick]} title={LABELS[tick]} data-testid="ticks" data-tick={tick}>
      {MARKS[tick]}
    </span>
  );
}
