import type { Clock } from '../../hal/clock';
import type { LoadCellCalibration } from '../loadcell/calibration';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import {
  CODE_HASH_SETTING,
  CODE_SALT_SETTING,
  COMMISSIONED_SPAN_SETTING,
  COMMISSIONED_TARE_SETTING,
  CalibrationAuthority,
  PendingKind,
  WRONG_CODES_SETTING,
  calibrationBandError,
  hashCode,
} from '../loadcell/calibration-authority';
import type { Sequencer } from '../runner/sequencer';
import { EventCause } from '../runner/run-events';
import type { SafetySupervisor } from '../safety/supervisor';
import type { CalibrationRecord } from '../store/calibration-record';
import { calibrationRecordError } from '../store/calibration-record';
import { StoreFullError } from '../store/object-store';
import type { PanelNotice } from './notice';
import type { StoreGuard } from './store-guard';

const CODE_COMMISSIONED_NOTICE = 'Calibration code commissioned';
const CALIBRATION_CONFIRMED_NOTICE = 'Calibration accepted at the press';
const CALIBRATION_FAILED_NOTICE = 'Calibration request failed: see the event log';
/** The largest detail an event holds. */
const MAX_EVENT_DETAIL = 65535;

/**
 * The load cell's calibration on the press: the one in force (the configuration's, or the
 * newest in the store's history), the commissioned one the safety supervisor judges raw
 * counts through, the calibration code, and the requests that wait for a hold at the press
 * (docs/load-cell.md, "Calibration authority").
 */
export class PressCalibration {
  /** Who may change the calibration: code, back-off, per-connection unlock, requests waiting for the press. */
  readonly authority = new CalibrationAuthority();
  /** The calibration in force came from the store's history (false: the configured default). */
  fromStore = false;
  /** Date of the calibration in force (s since 1970), for the run log's headers; NaN for the configuration's. */
  dateSInForce = NaN;
  /** Its reference and worst indication error (% of reading), for the run log's headers; '' and NaN for the configuration's. */
  referenceInForce = '';
  worstErrorPercentInForce = NaN;

  constructor(
    private readonly clock: Clock,
    private readonly loadCell: LoadCellPipeline,
    private readonly safety: SafetySupervisor,
    private readonly sequencer: Sequencer,
    private readonly guard: StoreGuard,
    private readonly notice: PanelNotice,
    private readonly capacityKN: number,
  ) {}

  /**
   * The calibration the press was commissioned with (the configuration's, or a change
   * confirmed at the press): the safety supervisor judges the raw counts through it, whatever
   * calibration is in force. Throws a RangeError for a tare or span that is not a usable number.
   */
  get commissioned(): LoadCellCalibration {
    return this.safety.commissioned.commissioned;
  }

  set commissioned(calibration: LoadCellCalibration) {
    this.safety.commissioned.commission(calibration);
  }

  /** At boot: the commissioned calibration, the wrong-code count and the calibration in force, from the store. */
  restore(nowMs: number): void {
    const store = this.guard.store;
    const settings = store.settings();
    const commissionedTare = settings.get(COMMISSIONED_TARE_SETTING);
    const commissionedSpan = settings.get(COMMISSIONED_SPAN_SETTING);
    if (typeof commissionedTare === 'number' && typeof commissionedSpan === 'number') {
      const commissioned = { tareCounts: commissionedTare, kNPerCount: commissionedSpan };
      if (calibrationRecordError({ dateS: 0, reference: 'commissioned', calibration: commissioned, worstErrorPercent: NaN }) === null) this.commissioned = commissioned;
    }
    const wrongCodes = settings.get(WRONG_CODES_SETTING);
    if (typeof wrongCodes === 'number' && wrongCodes > 0) this.authority.restoreWrongCodes(Math.min(Math.floor(wrongCodes), 255), nowMs);
    const calibration = store.currentCalibration();
    if (calibration !== null) {
      this.loadCell.calibration = calibration.calibration;
      this.fromStore = true;
      this.inForce(calibration);
    }
  }

  /**
   * Adds a load-cell calibration to the history and puts it in force. Returns null, or why it
   * cannot. A span outside the band around the commissioned one needs `confirmedAtPress`; such a
   * change becomes the commissioned calibration.
   */
  add(record: CalibrationRecord, confirmedAtPress = false): string | null {
    const nowMs = this.clock.nowMs();
    const problem = this.problem(record, confirmedAtPress);
    if (problem !== null) {
      this.event(EventCause.calDefineRefused, 0);
      return problem;
    }
    const guard = this.guard;
    try {
      guard.write(() => {
        guard.store.addCalibration(record);
        if (confirmedAtPress) guard.saveSettings([COMMISSIONED_TARE_SETTING, record.calibration.tareCounts], [COMMISSIONED_SPAN_SETTING, record.calibration.kNPerCount]);
      });
    } catch (error) {
      if (error instanceof StoreFullError) return error.message;
      throw error;
    }
    this.loadCell.calibration = record.calibration;
    this.fromStore = true;
    this.inForce(record);
    if (confirmedAtPress) this.commissioned = record.calibration;
    const seq = this.sequencer;
    seq.events.record(nowMs, confirmedAtPress ? EventCause.calConfirmedAtPress : EventCause.calDefined, seq.state, seq.state, -1, 0, guard.store.calibrationHistory().length);
    return null;
  }

  private inForce(record: CalibrationRecord): void {
    this.dateSInForce = record.dateS;
    this.referenceInForce = record.reference;
    this.worstErrorPercentInForce = record.worstErrorPercent;
  }

  /** Why a calibration cannot go in force now, or null (the band only when not confirmed at the press). */
  problem(record: CalibrationRecord, confirmedAtPress: boolean): string | null {
    const invalid = calibrationRecordError(record);
    if (invalid !== null) return invalid;
    if (!confirmedAtPress) {
      const band = calibrationBandError(record.calibration, this.commissioned, this.capacityKN);
      if (band !== null) return `${band}: confirm it at the press`;
    }
    return this.guard.refusal();
  }

  /** A calibration-authority event in the event log (detail: a session id or a count). */
  event(cause: number, detail: number): void {
    const seq = this.sequencer;
    seq.events.record(this.clock.nowMs(), cause, seq.state, seq.state, -1, 0, detail > MAX_EVENT_DETAIL ? MAX_EVENT_DETAIL : detail);
  }

  /** The stored code's salt and hash, or null when no code is commissioned. */
  storedCode(): { salt: number; hash: number } | null {
    const settings = this.guard.store.settings();
    const hash = settings.get(CODE_HASH_SETTING);
    const salt = settings.get(CODE_SALT_SETTING);
    return typeof hash === 'number' && typeof salt === 'number' ? { salt, hash } : null;
  }

  /** Stores a new calibration code as a salted hash (after the hold at the press). Returns null, or why it cannot. */
  commissionCode(code: number): string | null {
    const guard = this.guard;
    const refusal = guard.refusal();
    if (refusal !== null) return refusal;
    const salt = (Math.imul(this.clock.nowMs() >>> 0, 0x9e3779b1) ^ this.loadCell.rawCounts) >>> 0;
    guard.write(() => guard.saveSettings([CODE_SALT_SETTING, salt], [CODE_HASH_SETTING, hashCode(salt, code)], [WRONG_CODES_SETTING, 0]));
    this.authority.commissioned();
    this.event(EventCause.calCodeCommissioned, 0);
    return null;
  }

  /** Keeps the wrong-code count in flash (at most LOCKOUT_WRONG_CODES writes before a commissioning at the press). */
  saveWrongCodes(count: number): string | null {
    const guard = this.guard;
    const refusal = guard.refusal();
    if (refusal !== null) return refusal;
    guard.write(() => guard.saveSettings([WRONG_CODES_SETTING, count]));
    return null;
  }

  /** Acts on a request confirmed at the press (outside the tick: it writes flash), or drops one that expired. */
  serviceRequest(nowMs: number): void {
    const auth = this.authority;
    if (auth.pending === PendingKind.none) return;
    if (!auth.pressConfirmed) {
      if (nowMs >= auth.pendingUntilMs) auth.clearRequest();
      return;
    }
    const kind = auth.pending;
    const code = auth.pendingCode;
    const record = auth.pendingRecord;
    auth.clearRequest();
    const problem = kind === PendingKind.commissionCode ? this.commissionCode(code) : this.add(record as CalibrationRecord, true);
    this.notice.show(problem === null ? (kind === PendingKind.commissionCode ? CODE_COMMISSIONED_NOTICE : CALIBRATION_CONFIRMED_NOTICE) : CALIBRATION_FAILED_NOTICE, nowMs);
  }
}
