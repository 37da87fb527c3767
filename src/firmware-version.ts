/** The firmware's version: `*IDN?` answers it, and every run's header in the run log keeps it. */
export const FIRMWARE_VERSION = '0.1.0';
