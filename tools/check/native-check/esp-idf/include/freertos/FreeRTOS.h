/*
 * Stands for ESP-IDF v5 components/freertos/FreeRTOS-Kernel/include/freertos/FreeRTOS.h and
 * what it pulls in for an Xtensa target (portmacro.h, spinlock.h): the types and the critical
 * section macros the natives use.
 */
#pragma once
#define INC_FREERTOS_H

#include <stddef.h>
#include <stdint.h>
#include "sdkconfig.h"

typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;

#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdPASS pdTRUE
#define portMAX_DELAY ((TickType_t)0xffffffffUL)

/* spinlock.h */
typedef struct {
	volatile uint32_t owner;
	volatile uint32_t count;
} spinlock_t;
#define SPINLOCK_FREE 0xB33FFFFF
#define SPINLOCK_INITIALIZER {.owner = SPINLOCK_FREE, .count = 0}

/* portmacro.h (Xtensa): a critical section masks this core's interrupts and takes the spinlock. */
typedef spinlock_t portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED SPINLOCK_INITIALIZER
void vPortEnterCritical(portMUX_TYPE *mux);
void vPortExitCritical(portMUX_TYPE *mux);
#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
