// Declarations of Moddable modules the device code uses that the Moddable SDK ships without a
// typing. mcconfig sees them only through the manifest's typescript block
// (typescript.tsconfig.compilerOptions.types in hal/esp32/manifest.json); the device
// type-check (tools/check/device-typecheck.ts) reads that same entry, so a build that would miss
// them fails in CI too.

// Moddable's ESP32 "resetReason" module (build/devices/esp32/modules/resetReason, JavaScript
// only): ESP-IDF's esp_reset_reason() as a number with a name. 0 unknown, 1 power-on,
// 2 external pin, 3 software, 4 panic, 5 interrupt watchdog, 6 task watchdog, 7 other
// watchdog, 8 deep sleep, 9 brownout, 10 SDIO (newer ESP-IDF adds 11 USB, 12 JTAG, 13 eFuse,
// 14 power glitch, 15 CPU lock-up).
declare module 'resetReason' {
  export default function getResetReason(): { reason: number; string: string };
}
