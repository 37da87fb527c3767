import type { LoadCellSensorParams } from '../hal/sim-loadcell-adc';
import { deepFreeze } from '../../src/frozen';

/*
 * Load cells and converters for the simulated press. Every preset is the same cell: 50 kN
 * compression, 2 mV/V, safe overload 150 % [est, catalogue-typical], zero drift with
 * temperature ≈ 0.025 % FS per hour = 12.5 N/h [est, physics-reference "Load cells and
 * ADCs"], never more than 0.1 % FS = 50 N away from zero [est: a few kelvin of lab
 * temperature swing].
 *
 * Counts per newton
 *   ADS1220, gain 128, ratiometric reference (REF = excitation): full scale ±REF/128 ↔ ±2^23
 *   counts; the cell gives 0.002·REF at 50 kN, so 0.002·128·2^23 counts at 50 kN
 *   = 2 147 484 counts = 42.95 counts/N, whatever the excitation [pub: TI SBAS501, FSR = ±VREF/gain].
 *   HX711, channel A, gain 128, AVDD = excitation = 5 V: input range ±0.5·AVDD/128 = ±19.53 mV
 *   ↔ ±2^23 counts [pub: HX711 datasheet]; the cell gives 2 mV/V · 5 V = 10 mV at 50 kN, so
 *   10 mV / 50 kN · 2^23 / 19.53 mV = 85.90 counts/N (twice the ADS1220's: half the range).
 *   Both clip at 2^23 − 1; the cell's flat 75 kN reaches 3.2 M (ADS1220) or 6.4 M (HX711)
 *   counts, so only a fault (offset, noise) can saturate these presets.
 *
 * Noise, per conversion, input-referred; at 5 V excitation 1 N is 0.002·5 V / 50 000 = 200 nV
 *   HX711: 50 nV rms at 10 SPS, 90 nV rms at 80 SPS [pub: HX711 datasheet] × 4 for a real
 *   breakout module (unshielded wiring, the module's own regulator; real modules are 3–10×
 *   worse [est]) → 1.0 N and 1.8 N rms.
 *   ADS1220 on the controller board (no module factor [est]): 90 nV rms at 20 SPS, gain 128
 *   [pub: TI SBAS501, via the physics reference] → 0.45 N; 330 SPS keeps the project's
 *   existing 1.5 N (≈ 300 nV) [est]; above it the noise is white (PGA thermal noise at gain
 *   128), rms ∝ √rate: 1000 SPS → 1.5·√(1000/330) = 2.6 N, 2000 SPS (turbo mode) →
 *   1.5·√(2000/330) = 3.7 N [est]. The SBAS501 gain-128 noise table itself could not be
 *   read here; replace these with its figures when checked.
 *
 * Non-linearity: a strain-gauge cell bows 0.02–0.05 % FS from its end-point line [est:
 *   catalogue-typical]; TYPICAL_NONLINEARITY_FS = 0.03 % FS is 15 N at 25 kN on this cell.
 *   The presets use 0: the dry runs model a cell whose bow the firmware's calibration has
 *   already removed (the simulated firmware is calibrated on the exact line). A plant file
 *   or a test sets nonlinearityFS to model an uncorrected cell. The converter's own integral
 *   non-linearity is not modelled (ppm of its range, below the cell's [est]).
 *
 * Latency (window end → DRDY), the reported value being the mean over one conversion period
 *   HX711: settles in 4 conversion periods (400 ms at 10 SPS, 50 ms at 80 SPS) [pub: HX711
 *   datasheet]; a filter 4 periods long has a group delay of 2 periods, a one-period window
 *   has 0.5, so the window's value is delayed 1.5 periods more: 150 ms and 18.75 ms [est].
 *   The model is fully settled after 2.5 periods, the real chip after 4.
 *   ADS1220: single-cycle settling (a single-shot conversion takes ≈ 1/rate, and the −3 dB
 *   bandwidth, 150 Hz at 330 SPS, is that of a one-period average, 0.443·rate) [pub: TI
 *   SBAS501 features; SBAS751 (ADS122C04, same converter core) conversion-time table], so
 *   only readout remains: 0.1 ms for the SPI read and DRDY interrupt [est].
 */

const CAPACITY_N = 50000;
const SAFE_OVERLOAD_N = 1.5 * CAPACITY_N;
const DRIFT_N_PER_HOUR = 0.00025 * CAPACITY_N;
const DRIFT_LIMIT_N = 0.001 * CAPACITY_N;
/** A catalogue-typical strain-gauge cell's bow: 0.03 % FS at mid-scale [est]. */
export const TYPICAL_NONLINEARITY_FS = 0.0003;
const FULL_SCALE_COUNTS = 8388607;
/** ADS1220, gain 128, ratiometric: 0.002·128·2^23 counts at 50 kN. */
const ADS1220_COUNTS_PER_N = (0.002 * 128 * 8388608) / CAPACITY_N;
/** HX711, gain 128, AVDD 5 V: (2 mV/V · 5 V / 50 kN) · 2^23 / (0.5 · 5 V / 128). */
const HX711_COUNTS_PER_N = ((0.002 * 5) / CAPACITY_N) * (8388608 / ((0.5 * 5) / 128));
/** Bridge zero offset: 279 N (0.56 % FS) on either converter [est]. */
const ADS1220_OFFSET_COUNTS = 12000;
const HX711_OFFSET_COUNTS = 24000;
const ADS1220_LATENCY_US = 100;

function hx711(rateSps: number, noiseRmsN: number, describe: string): LoadCellSensorParams {
  return {
    name: `hx711-${rateSps}sps`,
    describe,
    capacityN: CAPACITY_N,
    safeOverloadN: SAFE_OVERLOAD_N,
    nonlinearityFS: 0,
    sampleRateSps: rateSps,
    latencyUs: 1.5 * (1e6 / rateSps),
    offsetCounts: HX711_OFFSET_COUNTS,
    countsPerN: HX711_COUNTS_PER_N,
    noiseRmsN,
    driftNPerHour: DRIFT_N_PER_HOUR,
    driftLimitN: DRIFT_LIMIT_N,
    fullScaleCounts: FULL_SCALE_COUNTS,
  };
}

function ads1220(rateSps: number, noiseRmsN: number, describe: string): LoadCellSensorParams {
  return {
    name: `ads1220-${rateSps}sps`,
    describe,
    capacityN: CAPACITY_N,
    safeOverloadN: SAFE_OVERLOAD_N,
    nonlinearityFS: 0,
    sampleRateSps: rateSps,
    latencyUs: ADS1220_LATENCY_US,
    offsetCounts: ADS1220_OFFSET_COUNTS,
    countsPerN: ADS1220_COUNTS_PER_N,
    noiseRmsN,
    driftNPerHour: DRIFT_N_PER_HOUR,
    driftLimitN: DRIFT_LIMIT_N,
    fullScaleCounts: FULL_SCALE_COUNTS,
  };
}

/**
 * 50 kN compression cell, 2 mV/V, on an ADS1220 (gain 128, ratiometric reference) at 330 SPS:
 * 42.9 counts/N, 1.5 N rms per conversion [est], 0.1 ms readout latency. The simulator's default.
 */
export const ADS1220_330SPS_50KN: LoadCellSensorParams = Object.freeze(ads1220(
  330,
  1.5,
  'ADS1220 gain 128 ratiometric, 330 SPS, 50 kN 2 mV/V cell: 1.5 N rms, 0.1 ms latency (default)',
));

/** Every simulated load-cell converter, by name. */
export const SENSOR_PRESETS: Record<string, LoadCellSensorParams> = deepFreeze({
  'hx711-10sps': hx711(10, 1.0, 'HX711 module gain 128 at 5 V, 10 SPS, 50 kN 2 mV/V cell: 1.0 N rms, 150 ms latency'),
  'hx711-80sps': hx711(80, 1.8, 'HX711 module gain 128 at 5 V, 80 SPS, 50 kN 2 mV/V cell: 1.8 N rms, 18.75 ms latency'),
  'ads1220-20sps': ads1220(20, 0.45, 'ADS1220 gain 128 ratiometric, 20 SPS (50/60 Hz rejection), 50 kN 2 mV/V cell: 0.45 N rms, 0.1 ms latency'),
  'ads1220-330sps': ADS1220_330SPS_50KN,
  'ads1220-1000sps': ads1220(1000, 2.6, 'ADS1220 gain 128 ratiometric, 1000 SPS, 50 kN 2 mV/V cell: 2.6 N rms, 0.1 ms latency'),
  'ads1220-2000sps': ads1220(2000, 3.7, 'ADS1220 gain 128 ratiometric, 2000 SPS (turbo), 50 kN 2 mV/V cell: 3.7 N rms, 0.1 ms latency'),
});
