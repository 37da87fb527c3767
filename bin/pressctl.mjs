#!/usr/bin/env node
// npm bin shim: the pressctl command line (host-sim/cli/pressctl.ts) through tsx.
import { runTypeScript } from './run-typescript.mjs';

runTypeScript('pressctl', new URL('../host-sim/cli/pressctl.ts', import.meta.url));
