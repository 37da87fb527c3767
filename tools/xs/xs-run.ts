// Bundles TypeScript for the XS engine (esbuild) and runs it with the xsnap command line.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error plain ESM helper without type declarations
import { repoRoot, xsnapBinary } from '../build/xsnap-path.mjs';

export { repoRoot, xsnapBinary };

export interface XsRunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  bundleBytes: number;
}

/**
 * Bundles `source` (an ES module; may import repo files by absolute path) into one module
 * that XS can run: esm, no Node built-ins, and executes it with `xsnap -m`.
 */
export async function runInXs(source: string, timeoutMs = 600_000): Promise<XsRunResult> {
  if (!existsSync(xsnapBinary)) {
    throw new Error(`xsnap not built at ${xsnapBinary}: run npm install (postinstall builds it)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'press-xs-'));
  try {
    const out = path.join(dir, 'bundle.js');
    const result = await build({
      stdin: { contents: source, resolveDir: repoRoot, loader: 'ts', sourcefile: 'xs-entry.ts' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      outfile: out,
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    writeFileSync(out, code);
    return await new Promise<XsRunResult>((resolve, reject) => {
      const child = spawn(xsnapBinary, ['-m', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`xsnap did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, exitCode, bundleBytes: code.length });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Extracts the JSON printed after `marker` by the XS program. */
export function extractJson<T>(stdout: string, marker: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith(marker));
  if (line === undefined) throw new Error(`no "${marker}" line in XS output:\n${stdout.slice(0, 2000)}`);
  return JSON.parse(line.slice(marker.length)) as T;
}
