/* A small C layer over the Video4Linux2 capture ioctls for Sources/Vision's V4L2 camera: the ioctl
 * request numbers are function-like macros and the structures hold unions, neither of which Swift
 * imports well. Memory-mapped streaming, 8-bit grey (GREY) or YUYV frames. No other logic here. */
#ifndef KIOSK_CV4L2_H
#define KIOSK_CV4L2_H

#include <stddef.h>
#include <stdint.h>

typedef struct kiosk_v4l2 kiosk_v4l2;

/* What the driver agreed to. pixel_format is a V4L2 fourcc (see the constants below). */
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t bytes_per_line;
    uint32_t size_image;
    uint32_t pixel_format;
} kiosk_v4l2_format;

extern const uint32_t KIOSK_V4L2_GREY;
extern const uint32_t KIOSK_V4L2_YUYV;

/* Opens a capture device and starts streaming at about width x height and fps, GREY if the device
 * offers it, else YUYV. Returns 0 and sets *camera and *format, or a negative errno with *stage
 * naming the step that failed ("open", "VIDIOC_QUERYCAP", ...). -ENOENT: no such device. */
int kiosk_v4l2_open(const char *path, uint32_t width, uint32_t height, uint32_t fps,
                    kiosk_v4l2 **camera, kiosk_v4l2_format *format, const char **stage);

/* Waits up to timeout_ms for a frame and copies the newest one ready into buffer (older ones ready
 * at the same time are dropped, so a slow decoder never works on stale frames). Sets *used to the
 * frame's byte count as the driver reports it (0 for a frame the driver marked as corrupt; more
 * than capacity when it does not fit, and then only capacity bytes are copied).
 * Returns 1 for a frame, 0 on timeout, or a negative errno with *stage set. */
int kiosk_v4l2_read(kiosk_v4l2 *camera, int timeout_ms, uint8_t *buffer, size_t capacity, size_t *used,
                    const char **stage);

/* Stops streaming, unmaps the buffers and closes the device. NULL is allowed. */
void kiosk_v4l2_close(kiosk_v4l2 *camera);

#endif
