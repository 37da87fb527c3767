import type { Clock } from '../../hal/clock';
import type { PressCharacter } from '../../hal/press-character';
import { feasibilityWarnings } from '../control/feasibility';
import type { LoadCellPipeline } from '../loadcell/pipeline';
import { crc32 } from '../bytes/crc32';
import { encodeProgram } from '../programs/codec';
import { compileProgram } from '../programs/compile';
import type { DeviceCapabilities, Program } from '../programs/program';
import type { ValidationResult } from '../programs/validate';
import { formatValidationError, validateProgram } from '../programs/validate';
import type { Sequencer } from '../runner/sequencer';
import type { SafetySupervisor } from '../safety/supervisor';
import { StoreFullError } from '../store/object-store';
import { pressureMPaToForceKN } from '../units';
import type { RunRecorder } from './run-recorder';
import type { StoreGuard } from './store-guard';
import type { ProgramDefinition } from '../protocol/press-port';
import type { WallClock } from '../time/wall-clock';


/**
 * The programs on the press: validated against its capabilities, stored in flash under their
 * names, one of them selected (compiled into the sequencer) for the next run.
 */
export class ProgramLibrary {
  /** CRC-32 of the selected program's encoded bytes before their own CRC (that CRC itself): the run record names the exact program run. */
  programHash = 0;

  constructor(
    private readonly capabilities: DeviceCapabilities,
    private readonly clock: Clock,
    private readonly guard: StoreGuard,
    private readonly sequencer: Sequencer,
    private readonly loadCell: LoadCellPipeline,
    private readonly safety: SafetySupervisor,
    private readonly recorder: RunRecorder,
    private readonly character: PressCharacter | null,
    private readonly loopRateHz: number,
    private readonly wallClock: WallClock,
  ) {}

  /** The validator's warnings and the forecast's for this press (docs/control.md, "Before a run"). */
  private withForecast(checked: ValidationResult): ValidationResult {
    if (!checked.ok) return checked;
    const forecast = feasibilityWarnings(compileProgram(checked.program, this.capabilities), this.character, this.loopRateHz);
    for (const warning of forecast) checked.warnings.push(warning);
    return checked;
  }

  /** Validates and selects a program (JSON already parsed) without storing it. Nothing changes when it is invalid or a run is in progress. */
  select(json: unknown): ValidationResult {
    const result = validateProgram(json, this.capabilities);
    if (result.ok && !this.sequencer.active) this.load(result.program, encodeProgram(result.program));
    return result;
  }

  /**
   * Validates a program once and stores it in flash under its name, replacing one of that name:
   * the old one stays in force until the new one is wholly written. Refused during a run (flash
   * writes stall the loop) and when the flash is full. Dated when the wall clock is set.
   */
  define(json: unknown): ProgramDefinition {
    const checked = this.withForecast(validateProgram(json, this.capabilities));
    if (!checked.ok) return { checked, refusedBusy: false, storeError: null };
    const guard = this.guard;
    const refusal = guard.refusal();
    if (refusal !== null) return { checked, refusedBusy: guard.busy, storeError: refusal };
    const program = checked.program;
    try {
      guard.write(() => guard.store.saveProgram(program, this.wallClock.utcS()));
    } catch (error) {
      if (error instanceof StoreFullError) return { checked, refusedBusy: false, storeError: error.message };
      throw error;
    }
    // A redefined selected program: the next run is the new version, read back and checked as PROG:SEL does.
    const selected = this.sequencer.program;
    if (selected !== null && selected.name === program.name && this.selectStored(selected.name) !== null) this.deselect();
    return { checked, refusedBusy: false, storeError: null };
  }

  /** define() as one validation result: a store that refused or failed is an error with an empty path. */
  store(json: unknown): ValidationResult {
    const { checked, storeError } = this.define(json);
    if (!checked.ok || storeError === null) return checked;
    return { ok: false, program: null, errors: [{ path: '', message: storeError }], warnings: checked.warnings };
  }

  /** Selects a stored program by name. Returns null, or why it cannot. */
  selectStored(name: string): string | null {
    if (this.guard.busy) return 'a run is in progress';
    const loaded = this.guard.store.loadProgram(name);
    if (loaded === null) return `no program named "${name}" is stored`;
    if (!loaded.ok) return loaded.error;
    // Checked again against this press: the limits may have changed since it was stored.
    const result = validateProgram(loaded.program, this.capabilities);
    if (!result.ok) return `program "${name}" no longer fits this press: ${result.errors.map(formatValidationError).join('; ')}`;
    this.load(result.program, loaded.bytes);
    return null;
  }

  /** Deletes a stored program; when it is the selected one, nothing is selected after. Returns null, or why it cannot. */
  deleteStored(name: string): string | null {
    const guard = this.guard;
    const refusal = guard.refusal();
    if (refusal !== null) return refusal;
    if (!guard.store.hasProgram(name)) return `no program named "${name}" is stored`;
    guard.write(() => guard.store.deleteProgram(name));
    const selected = this.sequencer.program;
    if (selected !== null && selected.name === name) this.deselect();
    return null;
  }

  /** What the validator warns about a stored program against this press now; null when none is stored under the name, a string when it cannot be read. */
  storedWarnings(name: string): string[] | string | null {
    const loaded = this.guard.store.loadProgram(name);
    if (loaded === null) return null;
    if (!loaded.ok) return loaded.error;
    return this.withForecast(validateProgram(loaded.program, this.capabilities)).warnings.map(formatValidationError);
  }

  /** Nothing selected: a Start is refused "no program selected" until a program is selected. */
  private deselect(): void {
    if (this.recorder.summariesPending) this.recorder.writeStepSummaries(this.programHash);
    this.sequencer.unloadProgram(this.clock.nowMs());
    this.programHash = 0;
  }

  private load(program: Program, storedBytes: Uint8Array): void {
    const compiled = compileProgram(program, this.capabilities);
    // The summaries of the run before belong to the program it ran.
    if (this.recorder.summariesPending) this.recorder.writeStepSummaries(this.programHash);
    // The encoded program ends in the CRC-32 of the bytes before it: the CRC of the whole is a constant residue.
    this.programHash = crc32(storedBytes, 0, storedBytes.length - 4);
    this.sequencer.load(compiled, this.clock.nowMs());
    this.loadCell.dieAreaMm2 = compiled.dieAreaMm2;
    this.safety.tripPressureMPa = compiled.ceilingMPa;
    this.safety.commissioned.setProgramLimitKN(pressureMPaToForceKN(compiled.ceilingMPa, compiled.dieAreaMm2));
  }
}
