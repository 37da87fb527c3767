/**
 * Who may change the load cell's calibration (docs/load-cell.md, "Calibration authority"): a code
 * commissioned at the press, wrong codes backed off and locked out per press, an unlock that
 * belongs to one connection and expires, and a span held to a band around the commissioned one
 * unless a change is confirmed at the press. Pure state and arithmetic: the firmware does the
 * storing and the logging.
 */
import type { LoadCellCalibration } from './calibration';
import type { CalibrationRecord } from '../store/calibration-record';

/** Wrong codes answered at once; after these each further attempt waits 2^(n − FREE) s. */
export const FREE_WRONG_CODES = 3;
/** Wrong codes in a row that lock CAL:UNL out until a code is commissioned again at the press. */
export const LOCKOUT_WRONG_CODES = 10;
/** An unlock lasts this long (or until CAL:DEF, CAL:LOCK, *RST on its connection). */
export const UNLOCK_TTL_MS = 10 * 60_000;
/** Continue held this long, with a request pending and the press idle, confirms it at the press. */
export const AT_PRESS_HOLD_MS = 3000;
/** A request waits this long for its confirmation at the press. */
export const AT_PRESS_REQUEST_TTL_MS = 60_000;
/** The span may differ this much from the commissioned span without a confirmation at the press. */
export const SPAN_BAND_FRACTION = 0.1;
/** The tare may move this fraction of the cell's capacity (as force) from the commissioned tare. */
export const TARE_BAND_FRACTION = 0.05;
/** Codes are six digits. */
export const MIN_CODE = 100_000;
export const MAX_CODE = 999_999;
/** Settings holding the commissioned code (a salted hash, never the code) and the commissioned span. */
export const CODE_HASH_SETTING = 'cal_code_hash';
export const CODE_SALT_SETTING = 'cal_code_salt';
export const COMMISSIONED_TARE_SETTING = 'cal_comm_tare';
export const COMMISSIONED_SPAN_SETTING = 'cal_comm_span';
/** Wrong codes so far, kept in flash so a restart does not give an attacker a fresh count. */
export const WRONG_CODES_SETTING = 'cal_wrong_codes';

export const PendingKind = Object.freeze({ none: 0, commissionCode: 1, calibration: 2 } as const);

const HASH_ROUNDS = 1024;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * FNV-1a over salt and code, iterated: not a cryptographic hash (a six-digit code falls to any
 * offline search anyway); it keeps the code out of the settings in clear, and the salt keeps one
 * table from serving every press. The guard against guessing is the back-off and lockout.
 */
export function hashCode(salt: number, code: number): number {
  let h = 0x811c9dc5;
  for (let round = 0; round < HASH_ROUNDS; round++) {
    for (const word of [salt >>> 0, code >>> 0, h]) {
      for (let shift = 0; shift < 32; shift += 8) {
        h ^= (word >>> shift) & 0xff;
        h = Math.imul(h, 0x01000193) >>> 0;
      }
    }
  }
  return h >>> 0;
}

/** Why a span is outside the band around the commissioned one, or null. */
export function spanBandError(kNPerCount: number, commissioned: LoadCellCalibration): string | null {
  const reference = commissioned.kNPerCount;
  const ratio = kNPerCount / reference;
  if (ratio >= 1 - SPAN_BAND_FRACTION && ratio <= 1 + SPAN_BAND_FRACTION) return null;
  const percent = (ratio - 1) * 100;
  return `span ${kNPerCount} kN per count is ${percent >= 0 ? '+' : ''}${percent.toFixed(1)} % from the commissioned ${reference} (band ±${SPAN_BAND_FRACTION * 100} %)`;
}

/**
 * Why a tare is too far from the commissioned one, or null. A tare moved by a fraction of the
 * cell's capacity shifts every reading down by that much force: the same over-force as a span.
 */
export function tareBandError(tareCounts: number, commissioned: LoadCellCalibration, capacityKN: number): string | null {
  const shiftKN = Math.abs((tareCounts - commissioned.tareCounts) * commissioned.kNPerCount);
  const limitKN = TARE_BAND_FRACTION * capacityKN;
  if (shiftKN <= limitKN) return null;
  return `tare ${tareCounts} counts is ${shiftKN.toFixed(2)} kN from the commissioned ${commissioned.tareCounts} (band ±${limitKN.toFixed(2)} kN, ${TARE_BAND_FRACTION * 100} % of the cell's ${capacityKN} kN)`;
}

/** The band errors of a calibration, joined, or null when it is inside both. */
export function calibrationBandError(calibration: LoadCellCalibration, commissioned: LoadCellCalibration, capacityKN: number): string | null {
  const span = spanBandError(calibration.kNPerCount, commissioned);
  const tare = tareBandError(calibration.tareCounts, commissioned, capacityKN);
  return span === null ? tare : tare === null ? span : `${span}; ${tare}`;
}

export class CalibrationAuthority {
  /** Wrong codes since the last right one or the last commissioning (per press, every connection). */
  wrongCodes = 0;
  /** No CAL:UNL is checked before this time (back-off). */
  nextAttemptMs = 0;
  /** The connection whose CAL:UNL succeeded (0: none) and until when. */
  unlockedSession = 0;
  unlockedUntilMs = 0;
  /** A request waiting for the hold at the press. */
  pending: number = PendingKind.none;
  pendingCode = 0;
  pendingRecord: CalibrationRecord | null = null;
  pendingSession = 0;
  pendingUntilMs = 0;
  /** What the panel shows while the request waits (made with the request, not per refresh). */
  pendingPrompt = '';
  /** CAL:UNL refused unchecked (back-off, lockout, no code) since the last such event in the log, and when that was. */
  refusedUnlogged = 0;
  refusalLoggedMs = -Infinity;
  /** Set by the control tick when Continue was held for a pending request; acted on outside the tick. */
  pressConfirmed = false;

  get lockedOut(): boolean {
    return this.wrongCodes >= LOCKOUT_WRONG_CODES;
  }

  /** Milliseconds until a CAL:UNL will be checked (0: now). */
  waitMs(nowMs: number): number {
    return nowMs >= this.nextAttemptMs ? 0 : this.nextAttemptMs - nowMs;
  }

  /**
   * Counts an attempt refused unchecked; true when it should go in the event log now (with
   * refusedUnlogged as its detail): at most one such event a minute, so a sweep cannot flush the log.
   */
  noteRefused(nowMs: number): boolean {
    this.refusedUnlogged++;
    return nowMs - this.refusalLoggedMs >= REFUSAL_LOG_INTERVAL_MS;
  }

  refusalLogged(nowMs: number): void {
    this.refusedUnlogged = 0;
    this.refusalLoggedMs = nowMs;
  }

  recordWrongCode(nowMs: number): void {
    this.restoreWrongCodes(this.wrongCodes + 1, nowMs);
    this.unlockedSession = 0;
  }

  /** The count (from a wrong code, or from flash at boot) and the back-off it implies from `nowMs`. */
  restoreWrongCodes(count: number, nowMs: number): void {
    this.wrongCodes = count;
    if (count >= FREE_WRONG_CODES) this.nextAttemptMs = nowMs + 1000 * 2 ** (Math.min(count, LOCKOUT_WRONG_CODES) - FREE_WRONG_CODES);
  }

  unlock(sessionId: number, nowMs: number): void {
    this.wrongCodes = 0;
    this.nextAttemptMs = 0;
    this.unlockedSession = sessionId;
    this.unlockedUntilMs = nowMs + UNLOCK_TTL_MS;
  }

  isUnlocked(sessionId: number, nowMs: number): boolean {
    return sessionId !== 0 && this.unlockedSession === sessionId && nowMs < this.unlockedUntilMs;
  }

  lock(sessionId: number): void {
    if (this.unlockedSession === sessionId) this.unlockedSession = 0;
  }

  /**
   * Why a new request cannot be made now, or null. The first request waits out its minute: a
   * later one from another connection must not take the place of the one the operator expects.
   */
  requestRefusal(nowMs: number): string | null {
    if (this.pending === PendingKind.none || nowMs >= this.pendingUntilMs) return null;
    return `another request (connection ${this.pendingSession}) is waiting for the press for ${Math.ceil((this.pendingUntilMs - nowMs) / 1000)} s more`;
  }

  request(kind: number, sessionId: number, nowMs: number, code: number, record: CalibrationRecord | null, prompt: string): void {
    this.pendingPrompt = prompt;
    this.pending = kind;
    this.pendingSession = sessionId;
    this.pendingCode = code;
    this.pendingRecord = record;
    this.pendingUntilMs = nowMs + AT_PRESS_REQUEST_TTL_MS;
    this.pressConfirmed = false;
  }

  clearRequest(): void {
    this.pending = PendingKind.none;
    this.pendingCode = 0;
    this.pendingRecord = null;
    this.pendingSession = 0;
    this.pendingPrompt = '';
    this.pressConfirmed = false;
  }

  /** A new code: the count, the back-off and every unlock start afresh. */
  commissioned(): void {
    this.wrongCodes = 0;
    this.nextAttemptMs = 0;
    this.unlockedSession = 0;
  }
}
