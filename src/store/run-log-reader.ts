import type { FlashPartition } from '../../hal/flash';
import type { BlockScan } from './block-scan';
import type { RunLog, SampleSegment, StepRecord } from './run-journal-format';
import { HEADER_BYTES, RunOutcome, TYPE_BOOT, TYPE_FLAGS, TYPE_RUN_END, TYPE_RUN_HEADER, TYPE_RUN_HEADER_V1, TYPE_RUN_START, TYPE_SAMPLES, TYPE_SAMPLES_V1, TYPE_STEP, readStep, runFromStart } from './run-journal-format';
import { readHeader, readSamples } from './run-log-records';

/**
 * One pass over the run journal's blocks (host and protocol use; allocates): the logs of run
 * `onlyRunId`, or of every run when it is 0, each with its header, steps and sample segments in
 * the order written; samples only when asked for. A record whose CRC holds but whose content
 * makes no sense is left out and said in the log's `damaged`.
 */
export function readRunLogs(flash: FlashPartition, firstBlock: number, blockCount: number, scan: BlockScan, onlyRunId: number, withSamples: boolean): Map<number, RunLog> {
  const blockLength = flash.blockLength;
  const logs = new Map<number, RunLog>();
  const endSeq = new Map<number, number>();
  const stepSeq = new Map<StepRecord, number>();
  const segmentSeq = new Map<SampleSegment, number>();
  const logOf = (runId: number): RunLog => {
    let log = logs.get(runId);
    if (log === undefined) {
      log = { run: { runId, bootCount: 0, programName: '', programHash: 0, startMs: NaN, outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN }, startFound: false, steps: [], segments: [], header: null, damaged: [] };
      logs.set(runId, log);
    }
    return log;
  };
  for (let i = 0; i < blockCount; i++) {
    const block = flash.read((firstBlock + i) * blockLength, blockLength);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    scan.walk(block, view);
    while (scan.next()) {
      const at = scan.at;
      const type = block[at + 2];
      const runId = view.getUint32(at + 12, true);
      if (type === TYPE_BOOT || type === TYPE_FLAGS || (onlyRunId !== 0 && runId !== onlyRunId)) continue;
      const seq = view.getUint32(at + 4, true);
      const p = at + HEADER_BYTES;
      const log = logOf(runId);
      const where = `block ${i} at ${at}`;
      if (type === TYPE_RUN_START) {
        const start = runFromStart(block, view, at);
        const run = log.run;
        run.bootCount = start.bootCount;
        run.programName = start.programName;
        run.programHash = start.programHash;
        run.startMs = start.startMs;
        log.startFound = true;
      } else if (type === TYPE_RUN_HEADER || type === TYPE_RUN_HEADER_V1) {
        const header = readHeader(block, view, at);
        if (typeof header === 'string') log.damaged.push(`RUN_HEADER record (${where}): ${header}`);
        else log.header = header;
      } else if (type === TYPE_RUN_END && seq > (endSeq.get(runId) ?? 0)) {
        endSeq.set(runId, seq);
        const run = log.run;
        run.outcome = block[p];
        run.faultCode = view.getUint16(p + 2, true);
        run.endMs = view.getFloat64(p + 4, true);
        run.peakMPa = view.getFloat32(p + 12, true);
      } else if (type === TYPE_STEP) {
        const step = readStep(block, view, at);
        log.steps.push(step);
        stepSeq.set(step, seq);
      } else if ((type === TYPE_SAMPLES || type === TYPE_SAMPLES_V1) && withSamples) {
        const segment = readSamples(block, view, at);
        const problem = segmentProblem(segment, type === TYPE_SAMPLES_V1);
        if (problem !== null) {
          log.damaged.push(`SAMPLES record (${where}): ${problem}`);
          continue;
        }
        log.segments.push(segment);
        segmentSeq.set(segment, seq);
      }
    }
  }
  for (const log of logs.values()) {
    log.steps.sort((a, b) => (stepSeq.get(a) as number) - (stepSeq.get(b) as number));
    log.segments.sort((a, b) => (segmentSeq.get(a) as number) - (segmentSeq.get(b) as number));
  }
  return logs;
}

/** What makes no sense in a segment's figures (its CRC held), or null. */
function segmentProblem(segment: SampleSegment, firstForm: boolean): string | null {
  if (!Number.isFinite(segment.startMs)) return `start ${segment.startMs} ms`;
  if (!(segment.intervalMs > 0 && segment.intervalMs < Infinity)) return `interval ${segment.intervalMs} ms`;
  if (!allFinite(segment.pressuresMPa)) return 'a pressure is not finite';
  if (firstForm) return null;
  if (!(segment.kNPerMPa > 0 && segment.kNPerMPa < Infinity)) return `${segment.kNPerMPa} kN per MPa`;
  if (!Number.isFinite(segment.targetMPa)) return `target ${segment.targetMPa} MPa`;
  if (!allFinite(segment.setpointsMPa as Float64Array)) return 'a setpoint is not finite';
  return null;
}

function allFinite(values: Float64Array): boolean {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return false;
  return true;
}
