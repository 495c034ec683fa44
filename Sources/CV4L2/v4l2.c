#include "CV4L2.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const uint32_t KIOSK_V4L2_GREY = V4L2_PIX_FMT_GREY;
const uint32_t KIOSK_V4L2_YUYV = V4L2_PIX_FMT_YUYV;
const uint32_t KIOSK_V4L2_MJPEG = V4L2_PIX_FMT_MJPEG;

#define BUFFER_COUNT 4

struct kiosk_v4l2 {
    int fd;
    unsigned count;
    void *start[BUFFER_COUNT];
    size_t length[BUFFER_COUNT];
    int streaming;
};

static int xioctl(int fd, unsigned long request, void *argument) {
    int result;
    do { result = ioctl(fd, request, argument); } while (result == -1 && errno == EINTR);
    return result;
}

static int fail(kiosk_v4l2 *camera, const char **stage, const char *what) {
    int error = errno ? errno : EIO;
    *stage = what;
    kiosk_v4l2_close(camera);
    return -error;
}

/* A failed step of a started camera: the caller still owns it (and closes it). */
static int failed(const char **stage, const char *what) {
    int error = errno ? errno : EIO;
    *stage = what;
    return -error;
}

/* Asks for a pixel format; 1 when the driver took it. */
static int try_format(int fd, uint32_t width, uint32_t height, uint32_t pixel_format, struct v4l2_format *format) {
    memset(format, 0, sizeof *format);
    format->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    format->fmt.pix.width = width;
    format->fmt.pix.height = height;
    format->fmt.pix.pixelformat = pixel_format;
    format->fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(fd, VIDIOC_S_FMT, format) == -1) return 0;
    return format->fmt.pix.pixelformat == pixel_format;
}

int kiosk_v4l2_open(const char *path, uint32_t width, uint32_t height,
                    kiosk_v4l2 **out, kiosk_v4l2_format *agreed, const char **stage) {
    *out = NULL;
    errno = 0;
    struct stat info;
    if (stat(path, &info) == -1) { *stage = "stat"; return -errno; }
    if (!S_ISCHR(info.st_mode)) { *stage = "not a character device"; return -ENODEV; }
    kiosk_v4l2 *camera = calloc(1, sizeof *camera);
    if (!camera) { *stage = "calloc"; return -ENOMEM; }
    camera->fd = -1;
    camera->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (camera->fd == -1) return fail(camera, stage, "open");

    struct v4l2_capability capability;
    memset(&capability, 0, sizeof capability);
    if (xioctl(camera->fd, VIDIOC_QUERYCAP, &capability) == -1) return fail(camera, stage, "VIDIOC_QUERYCAP");
    uint32_t caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) ? capability.device_caps : capability.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) { errno = ENODEV; return fail(camera, stage, "not a video capture device"); }
    if (!(caps & V4L2_CAP_STREAMING)) { errno = ENOTSUP; return fail(camera, stage, "no streaming I/O"); }

    struct v4l2_format format;
    /* Uncompressed at the asked size first; a driver that offers YUYV only smaller (most 720p
     * webcams) shrinks the size, and then MJPEG at the asked size is the better choice. */
    int found = try_format(camera->fd, width, height, V4L2_PIX_FMT_GREY, &format) ||
                try_format(camera->fd, width, height, V4L2_PIX_FMT_YUYV, &format);
    if (!found || format.fmt.pix.width < width || format.fmt.pix.height < height) {
        struct v4l2_format mjpeg;
        if (try_format(camera->fd, width, height, V4L2_PIX_FMT_MJPEG, &mjpeg) &&
            (!found || mjpeg.fmt.pix.width * mjpeg.fmt.pix.height > format.fmt.pix.width * format.fmt.pix.height)) {
            format = mjpeg;
            found = 1;
        } else if (found) { /* back to the uncompressed format the driver offered */
            (void)try_format(camera->fd, format.fmt.pix.width, format.fmt.pix.height, format.fmt.pix.pixelformat, &format);
        }
    }
    if (!found) {
        errno = ENOTSUP;
        return fail(camera, stage, "the camera offers neither GREY, YUYV nor MJPEG frames");
    }
    agreed->width = format.fmt.pix.width;
    agreed->height = format.fmt.pix.height;
    agreed->bytes_per_line = format.fmt.pix.bytesperline;
    agreed->size_image = format.fmt.pix.sizeimage;
    agreed->pixel_format = format.fmt.pix.pixelformat;
    *out = camera;
    return 0;
}

int kiosk_v4l2_start(kiosk_v4l2 *camera, uint32_t fps, const char **stage) {
    errno = 0;
    if (fps > 0) { /* A wish: many drivers pick the nearest rate, some ignore it. */
        struct v4l2_streamparm parameters;
        memset(&parameters, 0, sizeof parameters);
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        parameters.parm.capture.timeperframe.numerator = 1;
        parameters.parm.capture.timeperframe.denominator = fps;
        (void)xioctl(camera->fd, VIDIOC_S_PARM, &parameters);
    }

    struct v4l2_requestbuffers request;
    memset(&request, 0, sizeof request);
    request.count = BUFFER_COUNT;
    request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    request.memory = V4L2_MEMORY_MMAP;
    if (xioctl(camera->fd, VIDIOC_REQBUFS, &request) == -1) return failed(stage, "VIDIOC_REQBUFS");
    if (request.count < 2) { errno = ENOMEM; return failed(stage, "VIDIOC_REQBUFS (fewer than 2 buffers)"); }
    camera->count = request.count < BUFFER_COUNT ? request.count : BUFFER_COUNT;
    for (unsigned i = 0; i < camera->count; i++) {
        struct v4l2_buffer buffer;
        memset(&buffer, 0, sizeof buffer);
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buffer.memory = V4L2_MEMORY_MMAP;
        buffer.index = i;
        if (xioctl(camera->fd, VIDIOC_QUERYBUF, &buffer) == -1) return failed(stage, "VIDIOC_QUERYBUF");
        void *start = mmap(NULL, buffer.length, PROT_READ | PROT_WRITE, MAP_SHARED, camera->fd, buffer.m.offset);
        if (start == MAP_FAILED) return failed(stage, "mmap");
        camera->start[i] = start;
        camera->length[i] = buffer.length;
        if (xioctl(camera->fd, VIDIOC_QBUF, &buffer) == -1) return failed(stage, "VIDIOC_QBUF");
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(camera->fd, VIDIOC_STREAMON, &type) == -1) return failed(stage, "VIDIOC_STREAMON");
    camera->streaming = 1;
    return 0;
}

int kiosk_v4l2_wait(kiosk_v4l2 *camera, int timeout_ms, const char **stage) {
    struct pollfd waiting = {.fd = camera->fd, .events = POLLIN};
    int ready;
    do { ready = poll(&waiting, 1, timeout_ms); } while (ready == -1 && errno == EINTR);
    if (ready == -1) return failed(stage, "poll");
    if (ready == 0) return 0;
    if (waiting.revents & (POLLERR | POLLHUP | POLLNVAL)) { errno = ENODEV; return failed(stage, "poll (device gone)"); }
    return 1;
}

int kiosk_v4l2_dequeue(kiosk_v4l2 *camera, kiosk_v4l2_frame *frame, const char **stage) {
    struct v4l2_buffer buffer;
    memset(&buffer, 0, sizeof buffer);
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buffer.memory = V4L2_MEMORY_MMAP;
    if (xioctl(camera->fd, VIDIOC_DQBUF, &buffer) == -1) {
        if (errno == EAGAIN) return 0;
        return failed(stage, "VIDIOC_DQBUF");
    }
    /* Not one of ours: nothing to read, nothing that could be given back. */
    if (buffer.index >= camera->count) { errno = EIO; return failed(stage, "VIDIOC_DQBUF (bad index)"); }
    size_t used = (buffer.flags & V4L2_BUF_FLAG_ERROR) ? 0 : buffer.bytesused;
    frame->index = buffer.index;
    frame->bytes = camera->start[buffer.index];
    frame->used = used < camera->length[buffer.index] ? used : camera->length[buffer.index];
    frame->reported = used;
    return 1;
}

int kiosk_v4l2_requeue(kiosk_v4l2 *camera, const kiosk_v4l2_frame *frame, const char **stage) {
    struct v4l2_buffer buffer;
    memset(&buffer, 0, sizeof buffer);
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buffer.memory = V4L2_MEMORY_MMAP;
    buffer.index = frame->index;
    if (xioctl(camera->fd, VIDIOC_QBUF, &buffer) == -1) return failed(stage, "VIDIOC_QBUF");
    return 0;
}

void kiosk_v4l2_close(kiosk_v4l2 *camera) {
    if (!camera) return;
    int saved = errno;
    if (camera->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        (void)xioctl(camera->fd, VIDIOC_STREAMOFF, &type);
    }
    for (unsigned i = 0; i < BUFFER_COUNT; i++)
        if (camera->start[i]) munmap(camera->start[i], camera->length[i]);
    if (camera->fd >= 0) close(camera->fd);
    free(camera);
    errno = saved;
}
