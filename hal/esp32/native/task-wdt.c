/*
 * A user of the ESP-IDF task watchdog, fed by the firmware after a good control tick
 * (hal/esp32/system.ts). The Moddable runtime feeds the watchdog for its own task whenever
 * its event loop runs; this user is fed only from JavaScript, so a loop that keeps running
 * without fresh sensor data still lets the watchdog reset the chip. Needs
 * CONFIG_ESP_TASK_WDT_EN, which the release sdkconfig sets (hal/esp32/sdkconfig): without it
 * (debug builds) subscribe() returns false and feeding does nothing.
 */
#include "xsmc.h"
#include "xsHost.h"

#include "esp_task_wdt.h"

#if CONFIG_ESP_TASK_WDT_EN
static esp_task_wdt_user_handle_t gUser = NULL;
#endif

void xs_press_twdt_subscribe(xsMachine *the)
{
#if CONFIG_ESP_TASK_WDT_EN
	if (NULL == gUser) {
		if (ESP_OK != esp_task_wdt_add_user("press", &gUser))
			gUser = NULL;
	}
	xsmcSetBoolean(xsResult, NULL != gUser);
#else
	xsmcSetBoolean(xsResult, 0);
#endif
}

void xs_press_twdt_feed(xsMachine *the)
{
	(void)the;	/* feeding takes nothing from JavaScript */
#if CONFIG_ESP_TASK_WDT_EN
	if (NULL != gUser)
		esp_task_wdt_reset_user(gUser);
#endif
}
