// kiosk-usb-emulator: USB devices for programs run under umockdev's preload library.
//
// It builds a umockdev testbed, adds devices from `.umockdev` descriptions (devices/fixtures/) and
// answers the kernel's usbdevfs ioctls for them: claiming (with kernel drivers to detach),
// control requests (printer-class GET_DEVICE_ID and GET_PORT_STATUS), interrupt and bulk
// transfers (IN data injected by the test, OUT data recorded), cancellation, unplugging.
// A program started with LD_PRELOAD=libumockdev-preload.so.0 and the UMOCKDEV_DIR this prints
// runs its real libusb code against these devices. Test support: not part of the kiosk.
//
// Commands, one per line on stdin; each gets exactly one reply line, "ok ..." or "error ...":
//   add NAME FILE [IFACE=DRIVER ...]  plug in a device (interfaces bound to kernel drivers)
//   remove NAME                       unplug it (pending transfers end with ESHUTDOWN)
//   in NAME EP HEX                    data for the next IN transfer on endpoint EP (hex, e.g. 81)
//   status NAME N BYTE|none           answer to the real-time status query DLE EOT N
//   status-after NAME BYTES N BYTE    change that answer once BYTES bytes have been printed
//   device-id NAME TEXT               IEEE 1284 device id for GET_DEVICE_ID
//   printed NAME                      bytes received on OUT endpoints (status queries apart), hex
//   status-queries NAME               how many DLE EOT queries arrived
//   driver NAME IFACE                 the kernel driver bound to an interface, or "none"
//   claimed NAME                      claimed interfaces
//   pending NAME EP                   IN transfers waiting for data on endpoint EP
//   stats                             ioctls answered and idle polls (EAGAIN)
//   quit
#include <errno.h>
#include <stdarg.h>
#include <glib.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <umockdev.h>

#define MAX_DEVICES 16
#define MAX_INTERFACES 8
#define MAX_QUEUED 8192

typedef struct Urb {
    UMockdevIoctlData *urb;    // the client's struct usbdevfs_urb, with its buffer resolved
    UMockdevIoctlData *buffer; // NULL for zero-length transfers
    UMockdevIoctlClient *client; // who submitted it (a reference)
    struct Urb *next;
} Urb;

typedef struct {
    unsigned char endpoint;
    GByteArray *bytes;
} Queued;

typedef struct {
    char name[64];
    char syspath[256];
    char devnode[64];
    int present;
    int attached; // ioctl handler attached to devnode
    UMockdevIoctlBase *handler;
    Urb *pending; // IN transfers waiting for data
    Urb *done;    // completed transfers waiting to be reaped
    Queued queued[MAX_QUEUED];
    int queued_count;
    GByteArray *printed;
    unsigned status_queries;
    int status[5];         // DLE EOT n answers (n = 1..4), -1 = no answer
    long status_after;     // once this many bytes are printed, status[status_after_n] changes
    int status_after_n, status_after_byte;
    char device_id[512];
    unsigned char port_status;
    char driver[MAX_INTERFACES][32];        // bound now ("usbfs" when claimed through usbdevfs)
    char kernel_driver[MAX_INTERFACES][32]; // what the kernel bound before a detach
} Device;

static UMockdevTestbed *testbed;
static Device devices[MAX_DEVICES];
static int device_count;
static GMutex lock;
static unsigned long ioctl_count, idle_polls;

static Device *find(const char *name) {
    for (int i = 0; i < device_count; i++)
        if (strcmp(devices[i].name, name) == 0) return &devices[i];
    return NULL;
}

static void append(Urb **list, Urb *urb) {
    urb->next = NULL;
    while (*list) list = &(*list)->next;
    *list = urb;
}

static struct usbdevfs_urb *raw(Urb *u) { return (struct usbdevfs_urb *)u->urb->data; }

static void free_urb(Urb *u) {
    if (u->buffer) g_object_unref(u->buffer);
    g_object_unref(u->urb);
    if (u->client) g_object_unref(u->client);
    g_free(u);
}

static void finish(Device *d, Urb *u, int status, int actual) {
    raw(u)->status = status;
    raw(u)->actual_length = actual;
    append(&d->done, u);
}

// Fills an IN transfer with data; longer data is cut to the buffer, as an overflow would be.
static void fill(Device *d, Urb *u, const guint8 *bytes, int length) {
    int room = raw(u)->buffer_length;
    int n = length < room ? length : room;
    if (n > 0 && u->buffer) memcpy(u->buffer->data, bytes, n);
    finish(d, u, 0, n);
}

static int take_queued(Device *d, unsigned char endpoint, GByteArray **out) {
    for (int i = 0; i < d->queued_count; i++) {
        if (d->queued[i].endpoint != endpoint) continue;
        *out = d->queued[i].bytes;
        memmove(&d->queued[i], &d->queued[i + 1], (d->queued_count - i - 1) * sizeof(Queued));
        d->queued_count--;
        return 1;
    }
    return 0;
}

static void deliver_in(Device *d, unsigned char endpoint, const guint8 *bytes, int length) {
    for (Urb **p = &d->pending; *p;) {
        if (!umockdev_ioctl_client_get_connected((*p)->client)) {
            // Submitted by a program that has exited: the data goes to a live transfer instead.
            Urb *dead = *p;
            *p = dead->next;
            free_urb(dead);
            continue;
        }
        if (raw(*p)->endpoint != endpoint) { p = &(*p)->next; continue; }
        Urb *u = *p;
        *p = u->next;
        fill(d, u, bytes, length);
        return;
    }
    if (d->queued_count < MAX_QUEUED) {
        GByteArray *copy = g_byte_array_new();
        g_byte_array_append(copy, bytes, length);
        d->queued[d->queued_count++] = (Queued){endpoint, copy};
    }
}

static unsigned char status_in_endpoint(Device *d) {
    // The printer answers on its bulk IN endpoint: the one its driver keeps a read pending on,
    // else the usual 0x82 / 0x81.
    for (Urb *u = d->pending; u; u = u->next)
        if (raw(u)->type == USBDEVFS_URB_TYPE_BULK) return raw(u)->endpoint;
    return 0x82;
}

static void bulk_out(Device *d, Urb *u) {
    struct usbdevfs_urb *r = raw(u);
    const guint8 *bytes = u->buffer ? u->buffer->data : NULL;
    int length = r->buffer_length;
    if (length == 3 && bytes[0] == 0x10 && bytes[1] == 0x04 && bytes[2] >= 1 && bytes[2] <= 4) {
        d->status_queries++;
        int answer = d->status[bytes[2]];
        if (answer >= 0) {
            guint8 b = (guint8)answer;
            deliver_in(d, status_in_endpoint(d), &b, 1);
        }
    } else if (length > 0) {
        g_byte_array_append(d->printed, bytes, length);
        if (d->status_after >= 0 && (long)d->printed->len >= d->status_after) {
            d->status[d->status_after_n] = d->status_after_byte;
            d->status_after = -1;
        }
    }
    finish(d, u, 0, length);
}

static void control(Device *d, Urb *u) {
    guint8 *b = u->buffer ? u->buffer->data : NULL;
    if (!b || raw(u)->buffer_length < 8) { finish(d, u, -EINVAL, 0); return; }
    guint8 type = b[0], request = b[1];
    int length = b[6] | (b[7] << 8);
    guint8 *data = b + 8;
    if (type == 0xA1 && request == 0x00) { // printer class GET_DEVICE_ID
        int n = (int)strlen(d->device_id);
        if (n == 0) { finish(d, u, -EPIPE, 0); return; }
        guint8 reply[514];
        reply[0] = (guint8)((n + 2) >> 8);
        reply[1] = (guint8)(n + 2);
        memcpy(reply + 2, d->device_id, n);
        int m = n + 2 < length ? n + 2 : length;
        memcpy(data, reply, m);
        finish(d, u, 0, m);
    } else if (type == 0xA1 && request == 0x01 && length >= 1) { // GET_PORT_STATUS
        data[0] = d->port_status;
        finish(d, u, 0, 1);
    } else if ((type & 0x80) == 0) { // class/vendor OUT requests (HID SET_IDLE, SOFT_RESET): accepted
        finish(d, u, 0, length);
    } else {
        finish(d, u, -EPIPE, 0); // stall, as devices do for requests they do not know
    }
}

static int interface_number(UMockdevIoctlData *data) { return (int)*(unsigned int *)data->data; }

static gboolean handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user) {
    (void)handler;
    Device *d = user;
    gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    GError *error = NULL;
    long result = 0;
    int err = 0;

    g_mutex_lock(&lock);
    ioctl_count++;
    // A program killed in the middle of a call: its memory cannot be read any more (resolving the
    // argument would give NULL), and nobody waits for the answer.
    if (!umockdev_ioctl_client_get_connected(client)) {
        g_mutex_unlock(&lock);
        return TRUE;
    }
    if (!d->present && request != USBDEVFS_REAPURBNDELAY && request != USBDEVFS_REAPURB) {
        g_mutex_unlock(&lock);
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
    }

    if (request == USBDEVFS_GET_CAPABILITIES) {
        UMockdevIoctlData *caps = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &error);
        if (!caps) goto unreadable;
        *(guint32 *)caps->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                                 USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        g_object_unref(caps);
    } else if (request == USBDEVFS_CLAIMINTERFACE || request == USBDEVFS_RELEASEINTERFACE) {
        UMockdevIoctlData *n = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), &error);
        int i = n ? interface_number(n) : -1;
        if (n) g_object_unref(n);
        if (i < 0 || i >= MAX_INTERFACES) {
            result = -1, err = EINVAL;
        } else if (request == USBDEVFS_CLAIMINTERFACE) {
            if (d->driver[i][0] && strcmp(d->driver[i], "usbfs") != 0) result = -1, err = EBUSY; // "Resource busy"
            else strcpy(d->driver[i], "usbfs");
        } else {
            d->driver[i][0] = 0;
        }
    } else if (request == USBDEVFS_GETDRIVER) {
        UMockdevIoctlData *g = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), &error);
        if (!g) goto unreadable;
        struct usbdevfs_getdriver *get = (struct usbdevfs_getdriver *)g->data;
        if (get->interface >= MAX_INTERFACES || !d->driver[get->interface][0]) result = -1, err = ENODATA;
        else g_strlcpy(get->driver, d->driver[get->interface], sizeof get->driver);
        g_object_unref(g);
    } else if (request == USBDEVFS_IOCTL) {
        UMockdevIoctlData *c = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), &error);
        if (!c) goto unreadable;
        struct usbdevfs_ioctl *command = (struct usbdevfs_ioctl *)c->data;
        int i = command->ifno;
        if (i < 0 || i >= MAX_INTERFACES) {
            result = -1, err = EINVAL;
        } else if (command->ioctl_code == USBDEVFS_DISCONNECT) {
            if (!d->driver[i][0] || strcmp(d->driver[i], "usbfs") == 0) result = -1, err = ENODATA;
            else strcpy(d->kernel_driver[i], d->driver[i]), d->driver[i][0] = 0;
        } else if (command->ioctl_code == USBDEVFS_CONNECT) {
            if (strcmp(d->driver[i], "usbfs") == 0) result = -1, err = EBUSY;
            else strcpy(d->driver[i], d->kernel_driver[i]);
        } else {
            result = -1, err = ENOTTY;
        }
        g_object_unref(c);
    } else if (request == USBDEVFS_DISCONNECT_CLAIM) {
        UMockdevIoctlData *c = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_disconnect_claim), &error);
        if (!c) goto unreadable;
        struct usbdevfs_disconnect_claim *claim = (struct usbdevfs_disconnect_claim *)c->data;
        unsigned i = claim->interface;
        if (i >= MAX_INTERFACES) {
            result = -1, err = EINVAL;
        } else {
            if (d->driver[i][0] && strcmp(d->driver[i], "usbfs") != 0) strcpy(d->kernel_driver[i], d->driver[i]);
            strcpy(d->driver[i], "usbfs");
        }
        g_object_unref(c);
    } else if (request == USBDEVFS_SETCONFIGURATION || request == USBDEVFS_SETINTERFACE ||
               request == USBDEVFS_CLEAR_HALT || request == USBDEVFS_RESETEP || request == USBDEVFS_RESET) {
        // accepted
    } else if (request == USBDEVFS_SUBMITURB) {
        UMockdevIoctlData *data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &error);
        if (!data) goto unreadable;
        Urb *u = g_new0(Urb, 1);
        u->urb = data; // keeps the reference until reaped
        u->client = g_object_ref(client);
        struct usbdevfs_urb *r = raw(u);
        if (r->buffer_length > 0)
            u->buffer = umockdev_ioctl_data_resolve(data, offsetof(struct usbdevfs_urb, buffer), r->buffer_length, &error);
        if (r->type == USBDEVFS_URB_TYPE_CONTROL) {
            control(d, u);
        } else if ((r->endpoint & 0x80) == 0) {
            bulk_out(d, u);
        } else {
            GByteArray *q;
            if (take_queued(d, r->endpoint, &q)) {
                fill(d, u, q->data, q->len);
                g_byte_array_unref(q);
            } else {
                append(&d->pending, u);
            }
        }
    } else if (request == USBDEVFS_DISCARDURB) {
        gulong address = *(gulong *)arg->data;
        result = -1, err = EINVAL;
        for (Urb **p = &d->pending; *p; p = &(*p)->next) {
            if ((*p)->urb->client_addr != address) continue;
            Urb *u = *p;
            *p = u->next;
            finish(d, u, -ENOENT, 0);
            result = 0, err = 0;
            break;
        }
    } else if (request == USBDEVFS_REAPURBNDELAY || request == USBDEVFS_REAPURB) {
        // Only this client's transfers; those of programs that have exited are thrown away.
        Urb *u = NULL;
        for (Urb **p = &d->done; *p;) {
            if ((*p)->client == client) { u = *p; *p = u->next; break; }
            if (!umockdev_ioctl_client_get_connected((*p)->client)) {
                Urb *dead = *p;
                *p = dead->next;
                free_urb(dead);
                continue;
            }
            p = &(*p)->next;
        }
        if (u) {
            UMockdevIoctlData *slot = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &error);
            if (!slot) { // the client is exiting: its transfer goes with it
                free_urb(u);
                goto unreadable;
            }
            umockdev_ioctl_data_set_ptr(slot, 0, u->urb);
            g_object_unref(slot);
            g_mutex_unlock(&lock);
            umockdev_ioctl_client_complete(client, 0, 0);
            free_urb(u);
            return TRUE;
        }
        if (!d->present) {
            result = -1, err = ENODEV;
        } else {
            // The device node is a plain file, so libusb's poll never waits: answering "nothing yet"
            // a little later keeps its event thread from spinning a whole core.
            idle_polls++;
            g_mutex_unlock(&lock);
            g_usleep(1000);
            umockdev_ioctl_client_complete(client, -1, EAGAIN);
            return TRUE;
        }
    } else {
        result = -1, err = ENOTTY;
    }
    if (0) {
    unreadable:
        // The client's memory could not be read: it is exiting (killed mid-call, or releasing
        // its handles as it ends). Nobody will use the answer.
        result = -1, err = EFAULT;
    }
    g_mutex_unlock(&lock);
    if (error) {
        g_printerr("emulator: %s\n", error->message);
        g_error_free(error);
        result = -1, err = EFAULT;
    }
    umockdev_ioctl_client_complete(client, result, err);
    return TRUE;
}

static void forget_client(Urb **list, UMockdevIoctlClient *client) {
    while (*list) {
        Urb *u = *list;
        if (u->client != client) { list = &u->next; continue; }
        *list = u->next;
        free_urb(u);
    }
}

// A program that held the device exited (or was killed): its transfers go with it, and what it
// had claimed is left unbound, as the kernel leaves it.
static void client_vanished(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user) {
    (void)handler;
    Device *d = user;
    g_mutex_lock(&lock);
    forget_client(&d->pending, client);
    forget_client(&d->done, client);
    for (int i = 0; i < MAX_INTERFACES; i++)
        if (strcmp(d->driver[i], "usbfs") == 0) d->driver[i][0] = 0;
    g_mutex_unlock(&lock);
}

static int read_description(const char *file, Device *d) {
    gchar *text = NULL;
    if (!g_file_get_contents(file, &text, NULL, NULL)) return 0;
    d->syspath[0] = d->devnode[0] = 0;
    for (gchar *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "P: ", 3) == 0 && !d->syspath[0]) g_strlcpy(d->syspath, line + 3, sizeof d->syspath);
        if (strncmp(line, "E: DEVNAME=", 11) == 0 && !d->devnode[0]) g_strlcpy(d->devnode, line + 11, sizeof d->devnode);
    }
    g_free(text);
    if (strncmp(d->syspath, "/sys", 4) != 0) {
        char full[256];
        snprintf(full, sizeof full, "/sys%s", d->syspath);
        g_strlcpy(d->syspath, full, sizeof d->syspath);
    }
    return d->syspath[0] && d->devnode[0];
}

static GByteArray *parse_hex(const char *hex) {
    size_t n = strlen(hex);
    if (n % 2) return NULL;
    GByteArray *bytes = g_byte_array_sized_new(n / 2);
    for (size_t i = 0; i < n; i += 2) {
        char pair[3] = {hex[i], hex[i + 1], 0};
        char *end;
        guint8 b = (guint8)strtoul(pair, &end, 16);
        if (*end) { g_byte_array_unref(bytes); return NULL; }
        g_byte_array_append(bytes, &b, 1);
    }
    return bytes;
}

static void reply(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}

static void command(char *line) {
    char *words[64];
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < 64; w = strtok(NULL, " \t\r\n")) words[n++] = w;
    if (n == 0) { reply("error empty command"); return; }
    const char *verb = words[0];
    if (strcmp(verb, "quit") == 0) { reply("ok"); exit(0); }
    if (strcmp(verb, "stats") == 0) {
        g_mutex_lock(&lock);
        reply("ok ioctls=%lu idle-polls=%lu", ioctl_count, idle_polls);
        g_mutex_unlock(&lock);
        return;
    }
    if (n < 2) { reply("error %s needs a device name", verb); return; }
    Device *d = find(words[1]);

    if (strcmp(verb, "add") == 0) {
        if (n < 3) { reply("error add NAME FILE [IFACE=DRIVER ...]"); return; }
        if (d && d->present) { reply("error %s is already plugged in", words[1]); return; }
        if (!d) {
            if (device_count == MAX_DEVICES) { reply("error too many devices"); return; }
            d = &devices[device_count++];
            memset(d, 0, sizeof *d);
            g_strlcpy(d->name, words[1], sizeof d->name);
            d->printed = g_byte_array_new();
            for (int i = 1; i <= 4; i++) d->status[i] = -1;
            d->status_after = -1;
            d->port_status = 0x18; // selected, no error
        }
        if (!read_description(words[2], d)) { reply("error cannot read a device (P: and DEVNAME) from %s", words[2]); return; }
        g_mutex_lock(&lock);
        memset(d->driver, 0, sizeof d->driver);
        for (int i = 3; i < n; i++) {
            char *eq = strchr(words[i], '=');
            int iface = atoi(words[i]);
            if (eq && iface >= 0 && iface < MAX_INTERFACES) g_strlcpy(d->driver[iface], eq + 1, sizeof d->driver[iface]);
        }
        d->present = 1;
        g_mutex_unlock(&lock);
        GError *error = NULL;
        if (!umockdev_testbed_add_from_file(testbed, words[2], &error)) {
            reply("error %s", error->message);
            g_error_free(error);
            d->present = 0;
            return;
        }
        if (!d->attached) {
            if (!d->handler) {
                d->handler = umockdev_ioctl_base_new();
                g_signal_connect(d->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), d);
                g_signal_connect(d->handler, "client-vanished", G_CALLBACK(client_vanished), d);
            }
            if (!umockdev_testbed_attach_ioctl(testbed, d->devnode, d->handler, &error)) {
                reply("error %s", error->message);
                g_error_free(error);
                return;
            }
            d->attached = 1;
        }
        reply("ok %s", d->devnode);
        return;
    }
    if (!d) { reply("error no device %s", words[1]); return; }

    g_mutex_lock(&lock);
    if (strcmp(verb, "remove") == 0) {
        if (!d->present) {
            reply("error %s is not plugged in", d->name);
        } else {
            // What the kernel does to open usbdevfs handles: pending transfers end, then ENODEV.
            d->present = 0;
            while (d->pending) {
                Urb *u = d->pending;
                d->pending = u->next;
                finish(d, u, -ESHUTDOWN, 0);
            }
            for (int i = 0; i < d->queued_count; i++) g_byte_array_unref(d->queued[i].bytes);
            d->queued_count = 0;
            g_mutex_unlock(&lock);
            umockdev_testbed_uevent(testbed, d->syspath, "remove");
            umockdev_testbed_remove_device(testbed, d->syspath);
            g_mutex_lock(&lock);
            reply("ok");
        }
    } else if (strcmp(verb, "in") == 0 && n == 4) {
        GByteArray *bytes = parse_hex(words[3]);
        unsigned long endpoint = strtoul(words[2], NULL, 16);
        if (!bytes || endpoint < 0x81 || endpoint > 0x8f) reply("error in NAME EP HEX (EP 81-8f, even-length hex)");
        else if (!d->present) reply("error %s is not plugged in", d->name);
        else deliver_in(d, (unsigned char)endpoint, bytes->data, bytes->len), reply("ok");
        if (bytes) g_byte_array_unref(bytes);
    } else if (strcmp(verb, "status") == 0 && n == 4) {
        int which = atoi(words[2]);
        if (which < 1 || which > 4) reply("error status N must be 1-4");
        else d->status[which] = strcmp(words[3], "none") == 0 ? -1 : (int)strtoul(words[3], NULL, 16), reply("ok");
    } else if (strcmp(verb, "status-after") == 0 && n == 5) {
        d->status_after = atol(words[2]);
        d->status_after_n = atoi(words[3]) >= 1 && atoi(words[3]) <= 4 ? atoi(words[3]) : 4;
        d->status_after_byte = (int)strtoul(words[4], NULL, 16);
        reply("ok");
    } else if (strcmp(verb, "device-id") == 0 && n >= 3) {
        d->device_id[0] = 0;
        for (int i = 2; i < n; i++) {
            if (i > 2) g_strlcat(d->device_id, " ", sizeof d->device_id);
            g_strlcat(d->device_id, words[i], sizeof d->device_id);
        }
        reply("ok");
    } else if (strcmp(verb, "printed") == 0) {
        GString *hex = g_string_sized_new(d->printed->len * 2 + 4);
        for (guint i = 0; i < d->printed->len; i++) g_string_append_printf(hex, "%02x", d->printed->data[i]);
        reply("ok %s", hex->str);
        g_string_free(hex, TRUE);
        g_byte_array_set_size(d->printed, 0);
    } else if (strcmp(verb, "status-queries") == 0) {
        reply("ok %u", d->status_queries);
    } else if (strcmp(verb, "driver") == 0 && n == 3) {
        int i = atoi(words[2]);
        reply("ok %s", i >= 0 && i < MAX_INTERFACES && d->driver[i][0] ? d->driver[i] : "none");
    } else if (strcmp(verb, "claimed") == 0) {
        GString *list = g_string_new("ok");
        for (int i = 0; i < MAX_INTERFACES; i++)
            if (strcmp(d->driver[i], "usbfs") == 0) g_string_append_printf(list, " %d", i);
        reply("%s", list->str);
        g_string_free(list, TRUE);
    } else if (strcmp(verb, "pending") == 0 && n == 3) {
        unsigned long endpoint = strtoul(words[2], NULL, 16);
        int count = 0;
        for (Urb *u = d->pending; u; u = u->next) count += raw(u)->endpoint == endpoint;
        reply("ok %d", count);
    } else {
        reply("error unknown command or wrong arguments: %s", verb);
    }
    g_mutex_unlock(&lock);
}

int main(int argc, char **argv) {
    (void)argc;
    // The testbed's own udev lookups (for the uevents of plugging and unplugging) must see the
    // emulated /sys too: run under the preload library, re-executing once if needed.
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !strstr(preload, "libumockdev-preload")) {
        setenv("LD_PRELOAD", "libumockdev-preload.so.0", 1);
        execv("/proc/self/exe", argv);
        perror("emulator: re-exec under libumockdev-preload");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    testbed = umockdev_testbed_new();
    gchar *root = umockdev_testbed_get_root_dir(testbed);
    reply("ready UMOCKDEV_DIR=%s", root);
    g_free(root);
    char line[65536];
    while (fgets(line, sizeof line, stdin)) command(line);
    return 0;
}
