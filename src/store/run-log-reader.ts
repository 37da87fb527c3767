import type { FlashPartition } from '../../hal/flash';
import type { BlockScan } from './block-scan';
import type { RunLog, SampleSegment, StepRecord } from './run-journal-format';
import { HEADER_BYTES, RunOutcome, SAMPLES_AT, SAMPLE_COUNT_AT, TYPE_BOOT, TYPE_FLAGS, TYPE_RUN_END, TYPE_RUN_START, TYPE_SAMPLES, TYPE_STEP, readStep, runFromStart } from './run-journal-format';

/**
 * One pass over the run journal's blocks (host and protocol use; allocates): the logs of run
 * `onlyRunId`, or of every run when it is 0, each with its steps and sample segments in the order
 * written; samples only when asked for.
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
      log = { run: { runId, bootCount: 0, programName: '', programHash: 0, startMs: NaN, outcome: RunOutcome.open, faultCode: 0, endMs: 0, peakMPa: NaN }, startFound: false, steps: [], segments: [] };
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
      if (type === TYPE_RUN_START) {
        const start = runFromStart(block, view, at);
        const run = log.run;
        run.bootCount = start.bootCount;
        run.programName = start.programName;
        run.programHash = start.programHash;
        run.startMs = start.startMs;
        log.startFound = true;
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
      } else if (type === TYPE_SAMPLES && withSamples) {
        const count = view.getUint16(at + SAMPLE_COUNT_AT, true);
        const base = view.getFloat32(p + 12, true);
        const mpaPerCode = view.getFloat32(p + 16, true);
        const pressuresMPa = new Float64Array(count);
        for (let k = 0; k < count; k++) pressuresMPa[k] = base + view.getUint16(at + SAMPLES_AT + 2 * k, true) * mpaPerCode;
        const segment: SampleSegment = { startMs: view.getFloat64(p, true), intervalMs: view.getFloat32(p + 8, true), peakMPa: view.getFloat32(p + 20, true), step: block[at + 40], state: block[at + 41], pressuresMPa };
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
