/* Stands for ESP-IDF v5 components/soc/esp32/include/soc/soc_caps.h: the classic ESP32 has no USB Serial/JTAG (no SOC_USB_SERIAL_JTAG_SUPPORTED). */
#pragma once

#define SOC_GPIO_PIN_COUNT 40
