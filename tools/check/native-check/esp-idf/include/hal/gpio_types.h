/*
 * Stands for ESP-IDF v5 components/hal/include/hal/gpio_types.h and the target's
 * soc/gpio_num.h (which names every pin, GPIO_NUM_0 .. the last; only the ends are here).
 */
#pragma once

#include "soc/soc_caps.h"

typedef enum {
	GPIO_NUM_NC = -1,
	GPIO_NUM_0 = 0,
	GPIO_NUM_MAX = SOC_GPIO_PIN_COUNT,
} gpio_num_t;

#define GPIO_MODE_DEF_DISABLE (0)
#define GPIO_MODE_DEF_INPUT (1 << 0)
#define GPIO_MODE_DEF_OUTPUT (1 << 1)
#define GPIO_MODE_DEF_OD (1 << 2)

typedef enum {
	GPIO_MODE_DISABLE = GPIO_MODE_DEF_DISABLE,
	GPIO_MODE_INPUT = GPIO_MODE_DEF_INPUT,
	GPIO_MODE_OUTPUT = GPIO_MODE_DEF_OUTPUT,
	GPIO_MODE_OUTPUT_OD = GPIO_MODE_DEF_OUTPUT | GPIO_MODE_DEF_OD,
	GPIO_MODE_INPUT_OUTPUT_OD = GPIO_MODE_DEF_INPUT | GPIO_MODE_DEF_OUTPUT | GPIO_MODE_DEF_OD,
	GPIO_MODE_INPUT_OUTPUT = GPIO_MODE_DEF_INPUT | GPIO_MODE_DEF_OUTPUT,
} gpio_mode_t;

typedef enum {
	GPIO_PULLUP_ONLY,
	GPIO_PULLDOWN_ONLY,
	GPIO_PULLUP_PULLDOWN,
	GPIO_FLOATING,
} gpio_pull_mode_t;
