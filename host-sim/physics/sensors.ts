import type { LoadCellSensorParams } from '../hal/sim-loadcell-adc';

/**
 * 50 kN compression cell, 2 mV/V, on an ADS1220 (gain 128, ratiometric reference): full
 * scale 0.002·128·2^23 ≈ 2.15 M counts at 50 kN ≈ 42.9 counts/N. Noise 1.5 N rms per
 * conversion: 3–5× the ideal budget of 0.25–0.5 N, as real modules are [est].
 */
export const ADS1220_330SPS_50KN: LoadCellSensorParams = {
  name: 'ads1220-330sps',
  capacityN: 50000,
  sampleRateSps: 330,
  offsetCounts: 12000,
  countsPerN: (0.002 * 128 * 8388608) / 50000,
  noiseRmsN: 1.5,
  fullScaleCounts: 8388607,
};
