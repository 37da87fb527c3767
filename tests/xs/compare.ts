/** Walks two JSON values side by side: every number within a relative tolerance, everything else equal. */
export interface Comparison {
  numbers: number;
  maxRelativeDifference: number;
  mismatches: string[];
}

export function compareJson(a: unknown, b: unknown, tolerance: number, path = '$', out: Comparison = { numbers: 0, maxRelativeDifference: 0, mismatches: [] }): Comparison {
  if (typeof a === 'number' && typeof b === 'number') {
    out.numbers++;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    const diff = a === b ? 0 : scale === 0 ? 0 : Math.abs(a - b) / scale;
    if (diff > out.maxRelativeDifference) out.maxRelativeDifference = diff;
    if (!(diff <= tolerance)) out.mismatches.push(`${path}: ${a} vs ${b} (relative ${diff})`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.mismatches.push(`${path}: length ${a.length} vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) compareJson(a[i], b[i], tolerance, `${path}[${i}]`, out);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) compareJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], tolerance, `${path}.${key}`, out);
  } else if (a !== b) {
    out.mismatches.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return out;
}
