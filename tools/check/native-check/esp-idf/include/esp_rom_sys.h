/* Stands for ESP-IDF v5 components/esp_rom/include/esp_rom_sys.h (the part the natives use). */
#pragma once

#include <stdint.h>
#include "sdkconfig.h"

/* Busy-waits, in ROM: no task switch, safe with interrupts masked. */
void esp_rom_delay_us(uint32_t us);
