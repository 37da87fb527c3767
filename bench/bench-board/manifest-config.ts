// The bench board's pin map and driver settings: the ESP32 platform's config in manifest.json,
// parsed by the board's own parser (Node only; the XS bench gets the result as JSON).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardConfig } from '../../hal/esp32/config';
import { parseBoardConfig } from '../../hal/esp32/config';
import { resolveBuild } from '../../tools/build/moddable-manifest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The esp32 platform's board, with one change: the pump is driven by PWM (a motor driver,
 * pump.kind "pwm", which the config supports) instead of the relay of the reference wiring,
 * because the simulated press's pump is variable-speed. A relay pump would change the control,
 * not the cost of a tick (SwitchStage instead of PwmStage).
 */
export function benchBoardConfig(platform = 'esp32'): BoardConfig {
  const build = resolveBuild(root, platform);
  if (build.errors.length > 0) throw new Error(`manifest.json: ${build.errors.join('; ')}`);
  const config = parseBoardConfig(build.config as Record<string, unknown>);
  return { ...config, pump: { ...config.pump, kind: 'pwm' } };
}
