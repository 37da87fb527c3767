/* Stands for ESP-IDF v5 components/soc/esp32s3/include/soc/soc_caps.h (the part the natives use). */
#pragma once

#define SOC_USB_SERIAL_JTAG_SUPPORTED 1
#define SOC_GPIO_PIN_COUNT 49
