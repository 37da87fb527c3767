/**
 * Builds the press console (web/) into one self-contained HTML file: the page, its style and
 * its script (the firmware's parser and validator, the SCPI client, uPlot) bundled by esbuild.
 * `npm run console` writes web/dist/console.html; press-sim serve --http serves the same page.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { simulatedDeviceCapabilities } from '../../host-sim/scenario';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function buildConsolePage(): Promise<string> {
  const device = simulatedDeviceCapabilities();
  const bundled = await build({
    entryPoints: [path.join(root, 'web', 'src', 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome100',
    minify: true,
    loader: { '.md': 'text' },
    define: {
      PRESS_DEVICE: JSON.stringify(device),
      PRESS_DEVICE_NAME: JSON.stringify(`the simulated default press (${device.maxForceKN} kN frame, ${device.loadCellCapacityKN} kN load cell)`),
    },
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0].text;
  const style = readFileSync(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8') + readFileSync(path.join(root, 'web', 'src', 'console.css'), 'utf8');
  const page = readFileSync(path.join(root, 'web', 'console.html'), 'utf8');
  // A script holding "</script" would end the element early; esbuild escapes it in strings, and this checks.
  if (script.includes('</script')) throw new Error('the bundled script holds "</script": it cannot be inlined');
  return page.replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = path.join(root, 'web', 'dist', 'console.html');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await buildConsolePage());
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
