import config from 'mc/config';
import { parseBoardConfig } from './hal/esp32/config';
import { buildBoard } from './hal/esp32/board';
import { composePress } from './src/press-app';

/**
 * The application on the ESP32: the board from the manifest's pin map, the press composed on
 * it (src/press-app.ts) and started. The manifest's calibration is in force until flash holds
 * one of its own.
 */
const boardConfig = parseBoardConfig(config);
const board = buildBoard(boardConfig);
const press = composePress(board, { tareCounts: boardConfig.tareCounts, kNPerCount: boardConfig.kNPerCount });
press.start();
trace(`press: ${board.name} running, reset reason ${board.system.resetReason}\n`);
