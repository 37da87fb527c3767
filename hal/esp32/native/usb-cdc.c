/*
 * USB Serial/JTAG (CDC-ACM) for the host protocol on the ESP32-S3, through ESP-IDF's
 * usb_serial_jtag driver. Release builds only: in debug builds with USE_USB 2 the Moddable
 * debugger (xsbug) owns this port and the protocol goes on a UART (docs/hardware.md).
 * Reads and writes never wait (ticks_to_wait 0): the driver's ring buffers take or give what
 * they can and the count is returned.
 */
#include "xsmc.h"
#include "xsHost.h"

#include "soc/soc_caps.h"

#if SOC_USB_SERIAL_JTAG_SUPPORTED

#include "driver/usb_serial_jtag.h"

static uint8_t gInstalled = 0;

void xs_press_usbcdc_begin(xsMachine *the)
{
	usb_serial_jtag_driver_config_t config = USB_SERIAL_JTAG_DRIVER_CONFIG_DEFAULT();
	int rx = xsmcToInteger(xsArg(0));
	int tx = xsmcToInteger(xsArg(1));
	if (gInstalled)
		return;
	if ((rx < 64) || (tx < 64))
		xsRangeError("buffer too small");
	config.rx_buffer_size = rx;
	config.tx_buffer_size = tx;
	if (ESP_OK != usb_serial_jtag_driver_install(&config))
		xsUnknownError("usb_serial_jtag_driver_install failed");
	gInstalled = 1;
}

void xs_press_usbcdc_read(xsMachine *the)
{
	void *buffer;
	xsUnsignedValue length;
	int count;

	if (!gInstalled)
		xsUnknownError("not begun");
	xsmcGetBufferWritable(xsArg(0), &buffer, &length);
	count = usb_serial_jtag_read_bytes(buffer, length, 0);
	xsmcSetInteger(xsResult, (count > 0) ? count : 0);
}

void xs_press_usbcdc_write(xsMachine *the)
{
	void *buffer;
	xsUnsignedValue length;
	int count;

	if (!gInstalled)
		xsUnknownError("not begun");
	xsmcGetBufferReadable(xsArg(0), &buffer, &length);
	count = usb_serial_jtag_write_bytes(buffer, length, 0);
	xsmcSetInteger(xsResult, (count > 0) ? count : 0);
}

#else	/* the classic ESP32 has no USB Serial/JTAG controller: the press uses a UART there */

void xs_press_usbcdc_begin(xsMachine *the)
{
	xsUnknownError("no USB Serial/JTAG on this chip: set serial to uart");
}

void xs_press_usbcdc_read(xsMachine *the)
{
	xsUnknownError("unsupported");
}

void xs_press_usbcdc_write(xsMachine *the)
{
	xsUnknownError("unsupported");
}

#endif
