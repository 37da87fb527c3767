/* Stands for ESP-IDF v5 components/freertos/FreeRTOS-Kernel/include/freertos/task.h (the part the natives use). */
#pragma once

#ifndef INC_FREERTOS_H
	#error "include FreeRTOS.h must appear in source files before include task.h"
#endif

typedef struct tskTaskControlBlock *TaskHandle_t;

TaskHandle_t xTaskGetCurrentTaskHandle(void);
TickType_t xTaskGetTickCount(void);
void vTaskDelay(const TickType_t xTicksToDelay);
