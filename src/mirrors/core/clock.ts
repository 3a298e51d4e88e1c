/**
 * The session clock. `real`: wall clock plus an offset (advancing adds to the offset).
 * `manual`: frozen until advanced. Every timestamp, signature time and timer due time in a
 * session comes from here, never from `Date.now()` directly.
 */
import type { ClockMode } from './host-types.js';
import { MirrorEngineError } from './errors.js';

export interface ClockState {
  mode: ClockMode;
  /** real: offset added to Date.now(); manual: the frozen time. */
  value: number;
}

export class SessionClock {
  private mode: ClockMode;
  private offset = 0;
  private frozen = 0;

  constructor(mode: ClockMode = 'real', start?: number, private readonly wall: () => number = Date.now) {
    this.mode = mode;
    const now = start ?? this.wall();
    if (mode === 'manual') this.frozen = now;
    else this.offset = now - this.wall();
  }

  now(): number {
    return this.mode === 'manual' ? this.frozen : this.wall() + this.offset;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  getMode(): ClockMode {
    return this.mode;
  }

  /** Jump to `ms`. The engine only moves forward, but `set` itself does not enforce it (seed clocks). */
  set(ms: number): void {
    if (this.mode === 'manual') this.frozen = ms;
    else this.offset = ms - this.wall();
  }

  setMode(mode: ClockMode): void {
    const now = this.now();
    this.mode = mode;
    this.set(now);
  }

  state(): ClockState {
    return { mode: this.mode, value: this.mode === 'manual' ? this.frozen : this.offset };
  }

  static fromState(state: ClockState): SessionClock {
    const clock = new SessionClock(state.mode);
    if (state.mode === 'manual') clock.frozen = state.value;
    else clock.offset = state.value;
    return clock;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `5s`, `1.5h`, `2d`, or a number of milliseconds. */
export function parseDuration(input: unknown, field = 'duration'): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  if (typeof input === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(input);
    if (m) return Math.round(Number(m[1]) * UNITS[m[2]]);
  }
  throw new MirrorEngineError(
    'mirra.clock.invalid_duration',
    `Invalid ${field} ${JSON.stringify(input)}.`,
    'Use a number of milliseconds or a string like "250ms", "5s", "10m", "2h", "1d".',
    400,
  );
}

export function parseInstant(input: unknown, field = 'to'): number {
  const ms = typeof input === 'string' ? Date.parse(input) : typeof input === 'number' ? input : NaN;
  if (!Number.isFinite(ms)) {
    throw new MirrorEngineError(
      'mirra.clock.invalid_time',
      `Invalid ${field} ${JSON.stringify(input)}.`,
      'Use an ISO 8601 time such as "2026-04-22T18:00:00Z".',
      400,
    );
  }
  return ms;
}
