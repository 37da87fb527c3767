import type { StepType } from './program';
import { deepFreeze } from '../frozen';

/**
 * The fields of each step type, in their canonical order. The validator derives the
 * allowed fields from this table and the flash codec its field masks, so the two cannot
 * drift apart. Appending a field keeps old encodings readable; reordering breaks them.
 */

export const FieldKind = Object.freeze({
  number: 0,
  text: 1,
  mode: 2,
  steps: 3,
} as const);

export interface FieldSpec {
  readonly key: string;
  readonly kind: number;
}

const num = (key: string): FieldSpec => ({ key, kind: FieldKind.number });
const text = (key: string): FieldSpec => ({ key, kind: FieldKind.text });

const RAMP_OR_RELEASE = deepFreeze([num('to_MPa'), num('to_kN'), num('rate_MPa_s'), num('rate_kN_s'), num('band_MPa'), num('band_kN'), text('label')]);

export const STEP_FIELDS: Readonly<Record<StepType, readonly FieldSpec[]>> = deepFreeze({
  ramp: RAMP_OR_RELEASE,
  hold: [num('duration_s'), num('band_MPa'), num('band_kN'), { key: 'mode', kind: FieldKind.mode }, text('label')],
  release: RAMP_OR_RELEASE,
  prompt: [text('message'), text('label')],
  wait: [num('duration_s'), text('label')],
  maintain: [num('at_MPa'), num('at_kN'), num('duration_s'), num('band_MPa'), num('band_kN'), num('log_interval_s'), num('rate_MPa_s'), num('rate_kN_s'), text('label')],
  repeat: [num('count'), { key: 'steps', kind: FieldKind.steps }, text('label')],
});

export const STEP_TYPES: readonly StepType[] = Object.freeze(['ramp', 'hold', 'release', 'prompt', 'wait', 'maintain', 'repeat']);

export const HOLD_MODES = Object.freeze(['dynamic', 'static'] as const);

export const TOP_FIELDS = Object.freeze(['$schema', 'format', 'name', 'description', 'die', 'limits', 'log_interval_s', 'steps']);
export const DIE_FIELDS = Object.freeze(['diameter_mm', 'area_mm2', 'max_pressure_MPa']);
export const LIMIT_FIELDS = Object.freeze(['max_force_kN']);
