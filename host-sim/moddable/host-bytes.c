/*
 * Bytes outside the XS heap for the simulator on Moddable's desktop runtime
 * (host-sim/moddable/host-bytes.ts): the simulated flash partition lives in memory of its own,
 * as the real partition lives in the chip's flash, so the JavaScript heap the firmware is
 * measured in holds only what it holds on the board.
 */
#include "xsmc.h"
#include <stdlib.h>
#include <string.h>

void xs_press_host_bytes_destructor(void *data)
{
	if (data)
		free(data);
}

void xs_press_host_bytes(xsMachine *the)
{
	int byteLength = xsmcToInteger(xsArg(0));
	int fill = xsmcToInteger(xsArg(1));
	void *data;

	if ((byteLength <= 0) || (byteLength > (64 * 1024 * 1024)))
		xsRangeError("byteLength must be 1 B to 64 MB");
	data = malloc((size_t)byteLength);
	if (NULL == data)
		xsUnknownError("out of host memory");
	memset(data, fill & 0xff, (size_t)byteLength);
	xsmcSetHostBuffer(xsThis, data, byteLength);
}
