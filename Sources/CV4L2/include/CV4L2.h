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
extern const uint32_t KIOSK_V4L2_MJPEG;

/* Opens a capture device and agrees on a format of about width x height, GREY if the device
 * offers it, else YUYV, else MJPEG (what most 720p webcams send at 30 fps); nothing is allocated for frames yet (the caller checks *format first).
 * Returns 0 and sets *camera and *format, or a negative errno with *stage naming the step that
 * failed ("open", "VIDIOC_QUERYCAP", ...). -ENOENT: no such device. */
int kiosk_v4l2_open(const char *path, uint32_t width, uint32_t height,
                    kiosk_v4l2 **camera, kiosk_v4l2_format *format, const char **stage);

/* Asks for about fps frames a second, maps the driver's buffers and starts streaming. Returns 0,
 * or a negative errno with *stage set (the camera is still the caller's to close). */
int kiosk_v4l2_start(kiosk_v4l2 *camera, uint32_t fps, const char **stage);

/* Waits up to timeout_ms for a frame: 1 when one is ready, 0 on timeout, or a negative errno. */
int kiosk_v4l2_wait(kiosk_v4l2 *camera, int timeout_ms, const char **stage);

/* A dequeued buffer: the caller reads bytes[0..<used] and must give it back with
 * kiosk_v4l2_requeue, whatever happens. */
typedef struct {
    uint32_t index;
    const uint8_t *bytes;
    /* The bytes the driver filled, at most the mapped length; 0 for a frame marked as corrupt. */
    size_t used;
    /* What the driver claimed it filled (more than used when it claims more than it mapped). */
    size_t reported;
} kiosk_v4l2_frame;

/* Takes one filled buffer: 1 and *frame set, 0 when none is ready, or a negative errno. */
int kiosk_v4l2_dequeue(kiosk_v4l2 *camera, kiosk_v4l2_frame *frame, const char **stage);

/* Gives a dequeued buffer back to the driver: 0, or a negative errno. */
int kiosk_v4l2_requeue(kiosk_v4l2 *camera, const kiosk_v4l2_frame *frame, const char **stage);

/* Stops streaming, unmaps the buffers and closes the device. NULL is allowed. */
void kiosk_v4l2_close(kiosk_v4l2 *camera);

#endif
