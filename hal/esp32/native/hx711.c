/*
 * HX711 shifter for the ESP32 (see hal/esp32/hx711.ts for the driver and the timing budget).
 *
 * PD_SCK must never stay high for more than 60 us or the HX711 powers down and loses its
 * conversion. The pulses are therefore clocked here, with this core's interrupts masked for
 * the whole frame (25..27 pulses of PRESS_HX711_HIGH_US high and PRESS_HX711_LOW_US low, about
 * 80 us): nothing can preempt the loop between a rising and a falling edge.
 */
#include "xsmc.h"
#include "xsHost.h"

#include "driver/gpio.h"
#include "esp_rom_sys.h"
#include "freertos/FreeRTOS.h"

#define PRESS_HX711_HIGH_US 1
#define PRESS_HX711_LOW_US 1

static int gDout = -1;
static int gSck = -1;
static portMUX_TYPE gHx711Lock = portMUX_INITIALIZER_UNLOCKED;

void xs_press_hx711_begin(xsMachine *the)
{
	int dout = xsmcToInteger(xsArg(0));
	int sck = xsmcToInteger(xsArg(1));
	if ((dout < 0) || (dout >= GPIO_NUM_MAX) || (sck < 0) || (sck >= GPIO_NUM_MAX) || (dout == sck))
		xsRangeError("invalid pin");

	/* An input-only pin (GPIO 34-39 on the ESP32) refuses the output mode: say so instead of never clocking the converter. */
	gpio_reset_pin(sck);
	gpio_set_level(sck, 0);
	if (ESP_OK != gpio_set_direction(sck, GPIO_MODE_OUTPUT))
		xsRangeError("sck: pin %d cannot be an output", sck);
	gpio_set_level(sck, 0);

	gpio_reset_pin(dout);
	if ((ESP_OK != gpio_set_direction(dout, GPIO_MODE_INPUT)) || (ESP_OK != gpio_set_pull_mode(dout, GPIO_PULLUP_ONLY)))
		xsRangeError("dout: pin %d cannot be an input with a pull-up", dout);

	gDout = dout;
	gSck = sck;
}

void xs_press_hx711_ready(xsMachine *the)
{
	if (gDout < 0)
		xsUnknownError("not begun");
	xsmcSetBoolean(xsResult, 0 == gpio_get_level(gDout));
}

void xs_press_hx711_shift(xsMachine *the)
{
	int pulses = xsmcToInteger(xsArg(0));
	uint32_t value = 0;
	int i;

	if (gDout < 0)
		xsUnknownError("not begun");
	if ((pulses < 25) || (pulses > 27))
		xsRangeError("pulses must be 25..27");

	portENTER_CRITICAL(&gHx711Lock);
	for (i = 0; i < pulses; i++) {
		gpio_set_level(gSck, 1);
		esp_rom_delay_us(PRESS_HX711_HIGH_US);
		gpio_set_level(gSck, 0);
		/* DOUT changes on the rising edge and holds until the next one: read it low. */
		if (i < 24)
			value = (value << 1) | (uint32_t)gpio_get_level(gDout);
		esp_rom_delay_us(PRESS_HX711_LOW_US);
	}
	portEXIT_CRITICAL(&gHx711Lock);

	xsmcSetInteger(xsResult, (xsIntegerValue)value);
}
