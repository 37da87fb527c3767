/**
 * Index of the bin of a counting histogram that holds the q-quantile of `count` samples,
 * scanning bins 0..lastBin; -1 when there are no samples or the rank is not reached.
 * Scans, so it is read after a step or on request, not in every tick.
 */
export function quantileBin(histogram: Uint32Array, count: number, q: number, lastBin: number): number {
  const rank = Math.ceil(q * count);
  if (rank <= 0) return -1;
  let seen = 0;
  for (let bin = 0; bin <= lastBin; bin++) {
    seen += histogram[bin];
    if (seen >= rank) return bin;
  }
  return -1;
}
