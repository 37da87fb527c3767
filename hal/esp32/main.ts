import config from 'mc/config';
import { parseBoardConfig } from './config';
import { buildBoard } from './board';
import { PressFirmware, defaultFirmwareConfig } from '../../src/firmware';

/**
 * The application on the ESP32: the board from the manifest's pin map, the firmware on it,
 * the loop started. The load-cell calibration is the manifest's until it is kept in flash.
 */
const boardConfig = parseBoardConfig(config);
const board = buildBoard(boardConfig);
const firmware = new PressFirmware(board, defaultFirmwareConfig({ tareCounts: boardConfig.tareCounts, kNPerCount: boardConfig.kNPerCount }));
firmware.start();
trace(`press: ${board.name} running, reset reason ${board.system.resetReason}\n`);
