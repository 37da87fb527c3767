// Where the xsnap command line built by tools/build/build-xsnap.mjs lives.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const xsnapPackageDir = path.join(repoRoot, 'node_modules', '@agoric', 'xsnap');
export const xsnapBuildDir = path.join(repoRoot, 'node_modules', '.xsnap-build');
export const xsnapPlatform = process.platform === 'darwin' ? 'mac' : 'lin';
export const xsnapBinary = path.join(xsnapBuildDir, 'bin', xsnapPlatform, 'release', 'xsnap');
