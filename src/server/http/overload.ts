/**
 * Load shedding for expensive routes. A gate lets a few requests work at once and a bounded number
 * wait in line; beyond that, or after waiting too long, the caller gets 503 with `Retry-After` at
 * once, so a flood of stalls syncing after lunch backs off and retries instead of piling up until
 * every request times out. The waiting line is first come, first served.
 */
import { ApiError } from './errors';

export interface GateLimits {
  /** Requests doing work at the same time. */
  maxActive: number;
  /** Requests allowed to wait for a turn; more are refused at once. */
  maxQueued: number;
  /** How long a request may wait for its turn before it is refused. */
  maxWaitMs: number;
  /** The `Retry-After` base, in seconds; each refusal adds up to as much again at random, spreading the retries. */
  retryAfterSeconds: number;
}

/** The sync route's gates: `maxQueued` batches may wait (bodies unread) for one of `maxOpen` places. */
export interface SyncLimits extends GateLimits {
  /**
   * Admitted batches at once: reading their body, being validated, waiting for or holding one of the
   * `maxActive` turns at the store (default twice `maxActive`). Bodies in memory stay below this many.
   */
  maxOpen: number;
}

/** The 503 a refused request gets. */
export function overloaded(retryAfterSeconds: number): ApiError {
  return new ApiError(503, 'unavailable', 'error.unavailable', { 'Retry-After': String(retryAfterSeconds) });
}

interface Waiter {
  start(): void;
  refuse(): void;
}

/** A counting semaphore with a bounded, time-limited waiting line. */
export class Gate {
  private active = 0;
  private readonly line: Waiter[] = [];

  constructor(readonly limits: GateLimits) {}

  /** Requests working and waiting right now. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.line.length };
  }

  /** Runs `work` when a turn is free; throws the 503 when the line is full or the wait too long. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private retryAfter(): number {
    const base = this.limits.retryAfterSeconds;
    return base + Math.floor(Math.random() * (base + 1));
  }

  private enter(): Promise<void> {
    if (this.active < this.limits.maxActive && this.line.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    if (this.line.length >= this.limits.maxQueued) return Promise.reject(overloaded(this.retryAfter()));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          this.active++;
          resolve();
        },
        refuse: () => reject(overloaded(this.retryAfter())),
      };
      const timer = setTimeout(() => {
        const at = this.line.indexOf(waiter);
        if (at >= 0) this.line.splice(at, 1);
        waiter.refuse();
      }, this.limits.maxWaitMs);
      this.line.push(waiter);
    });
  }

  private leave(): void {
    this.active--;
    while (this.active < this.limits.maxActive && this.line.length > 0) this.line.shift()!.start();
  }
}
