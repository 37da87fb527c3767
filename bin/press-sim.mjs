#!/usr/bin/env node
// npm bin shim: the press-sim command line (host-sim/cli/press-sim.ts) through tsx.
import { runTypeScript } from './run-typescript.mjs';

runTypeScript('press-sim', new URL('../host-sim/cli/press-sim.ts', import.meta.url));
