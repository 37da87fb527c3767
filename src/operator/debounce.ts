/**
 * One debounced contact: a new level counts once it has been read for its settle time
 * without a break. The two directions settle separately, so an e-stop or an opening guard
 * can act on the first sample (settle 0) and only its release waits out the bounce.
 */
export class Debounced {
  state: boolean;
  /** The state changed on the last update. */
  changed = false;
  /** How long the current state has been held, ms. */
  heldMs = 0;
  /** How long the raw level has differed from the state, ms (0 when it agrees). */
  pendingMs = 0;

  constructor(
    readonly assertSettleMs: number,
    readonly releaseSettleMs: number,
    initial = false,
  ) {
    this.state = initial;
  }

  update(raw: boolean, dtMs: number): boolean {
    this.changed = false;
    if (raw === this.state) {
      this.pendingMs = 0;
      this.heldMs += dtMs;
      return this.state;
    }
    this.pendingMs += dtMs;
    if (this.pendingMs >= (raw ? this.assertSettleMs : this.releaseSettleMs)) {
      this.state = raw;
      this.changed = true;
      this.pendingMs = 0;
      this.heldMs = 0;
    } else {
      this.heldMs += dtMs;
    }
    return this.state;
  }

}
