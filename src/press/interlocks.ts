import { Debounced } from '../operator/debounce';

/** E-stop and guard act on the first open reading and settle this long when closing, ms. */
const ESTOP_RELEASE_SETTLE_MS = 50;
const GUARD_CLOSE_SETTLE_MS = 200;

/** The two debounced interlocks every part of the press consults: the e-stop chain and the guard. */
export class Interlocks {
  readonly estop = new Debounced(0, ESTOP_RELEASE_SETTLE_MS);
  readonly guardOpen = new Debounced(0, GUARD_CLOSE_SETTLE_MS);
}
