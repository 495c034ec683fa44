/* Reference for the decode benchmark: the kiosk's camera pipeline in plain C over libzbar, on the
 * same frames. Same steps and settings as Sources/Vision (keep them in step):
 *   - the frame is 8-bit gray (PGM P5), width x height bytes;
 *   - 3x3 binomial smoothing ([1 2 1] x [1 2 1] / 16, rounded, edges clamped) into a second buffer;
 *   - one zbar image scanner, created once: every symbology off, then the chosen ones on (and
 *     UPC-E whenever EAN-13, EAN-8 or UPC-A is on, its reads dropped unless it was chosen: see
 *     ZBarDecoder.zbarSymbologies), ZBAR_CFG_X_DENSITY and ZBAR_CFG_Y_DENSITY set, no result cache;
 *   - per frame: a zbar image (Y800) over the smoothed buffer without copying, zbar_scan_image,
 *     each symbol's type, data and bounding box copied out, the image destroyed.
 * Each frame is decoded REPEATS times, each time measured with clock_gettime(CLOCK_MONOTONIC) from
 * smoothing to the copied results; file loading is not timed.
 *
 *   decode DIR [--repeats N] [--density N] [--no-smoothing] [--symbologies a,b,c]
 * DIR holds manifest.tsv (from scripts/make-frames) and the frames; PGM frames only (others are skipped).
 * Prints, per frame:  file <TAB> median ms <TAB> symbols <TAB> symbology:x0,y0,x1,y1:data ...
 * (data with bytes below 0x20, 0x7f and backslash written as \xNN). */
#include <zbar.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void fail(const char *message, const char *detail) {
    fprintf(stderr, "decode: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static const struct { const char *name; zbar_symbol_type_t type; } symbologies[] = {
    {"ean13", ZBAR_EAN13}, {"ean8", ZBAR_EAN8}, {"upca", ZBAR_UPCA}, {"upce", ZBAR_UPCE},
    {"code128", ZBAR_CODE128}, {"qrcode", ZBAR_QRCODE}, {"databar", ZBAR_DATABAR},
    {"databar-exp", ZBAR_DATABAR_EXP}, {"i25", ZBAR_I25}, {"code39", ZBAR_CODE39},
    {"code93", ZBAR_CODE93}, {"codabar", ZBAR_CODABAR},
};
#define SYMBOLOGY_COUNT (sizeof symbologies / sizeof symbologies[0])

/* The manifest's name of a decoded symbol; Code 128 with FNC1 first is GS1-128. */
static const char *symbol_name(const zbar_symbol_t *symbol) {
    zbar_symbol_type_t type = zbar_symbol_get_type(symbol);
    if (type == ZBAR_CODE128 && (zbar_symbol_get_modifiers(symbol) & (1 << ZBAR_MOD_GS1))) return "gs1-128";
    for (size_t i = 0; i < SYMBOLOGY_COUNT; i++)
        if (symbologies[i].type == type) return symbologies[i].name;
    return zbar_get_symbol_name(type);
}

/* Reads a binary PGM (P5, maxval 255); comments allowed in the header. */
static uint8_t *read_pgm(const char *path, int *width, int *height) {
    FILE *file = fopen(path, "rb");
    if (!file) fail("cannot open", path);
    int fields[3], count = 0, c;
    if (fgetc(file) != 'P' || fgetc(file) != '5') fail("not a binary PGM (P5)", path);
    while (count < 3) {
        c = fgetc(file);
        if (c == '#') { while ((c = fgetc(file)) != '\n' && c != EOF) {} continue; }
        if (c == EOF) fail("truncated PGM header", path);
        if (c >= '0' && c <= '9') {
            int value = c - '0';
            while ((c = fgetc(file)) >= '0' && c <= '9') value = value * 10 + (c - '0');
            fields[count++] = value;
        }
    }
    if (fields[2] != 255 || fields[0] <= 0 || fields[1] <= 0) fail("unsupported PGM (8-bit gray only)", path);
    size_t size = (size_t)fields[0] * (size_t)fields[1];
    uint8_t *pixels = malloc(size);
    if (!pixels || fread(pixels, 1, size, file) != size) fail("truncated PGM", path);
    fclose(file);
    *width = fields[0];
    *height = fields[1];
    return pixels;
}

/* 3x3 binomial smoothing, edges clamped; `row` holds width uint16 vertical sums. */
static void smooth(const uint8_t *src, uint8_t *dst, int width, int height, uint16_t *row) {
    for (int y = 0; y < height; y++) {
        const uint8_t *up = src + (size_t)(y > 0 ? y - 1 : 0) * width;
        const uint8_t *mid = src + (size_t)y * width;
        const uint8_t *down = src + (size_t)(y < height - 1 ? y + 1 : height - 1) * width;
        uint8_t *out = dst + (size_t)y * width;
        for (int x = 0; x < width; x++) row[x] = (uint16_t)(up[x] + 2 * mid[x] + down[x]);
        if (width == 1) { out[0] = (uint8_t)((4 * row[0] + 8) >> 4); continue; }
        out[0] = (uint8_t)((3 * row[0] + row[1] + 8) >> 4);
        for (int x = 1; x < width - 1; x++) out[x] = (uint8_t)((row[x - 1] + 2 * row[x] + row[x + 1] + 8) >> 4);
        out[width - 1] = (uint8_t)((row[width - 2] + 3 * row[width - 1] + 8) >> 4);
    }
}

struct result {
    char text[4096];
    int symbols;
};

static void append_escaped(char *text, size_t capacity, const char *data, unsigned length) {
    size_t used = strlen(text);
    for (unsigned i = 0; i < length && used + 5 < capacity; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c < 0x20 || c == 0x7f || c == '\\') used += (size_t)snprintf(text + used, capacity - used, "\\x%02x", c);
        else text[used++] = (char)c;
    }
    text[used] = 0;
}

static int keep_upce; /* UPC-E was asked for */

static void decode(zbar_image_scanner_t *scanner, const uint8_t *pixels, int width, int height, struct result *result) {
    zbar_image_t *image = zbar_image_create();
    zbar_image_set_format(image, zbar_fourcc_parse("Y800"));
    zbar_image_set_size(image, (unsigned)width, (unsigned)height);
    zbar_image_set_data(image, pixels, (unsigned long)width * (unsigned long)height, NULL);
    zbar_scan_image(scanner, image);
    result->text[0] = 0;
    result->symbols = 0;
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol(image); symbol; symbol = zbar_symbol_next(symbol)) {
        if (zbar_symbol_get_type(symbol) == ZBAR_UPCE && !keep_upce) continue;
        /* The bounding box of the symbol's points, as the Swift side computes it. */
        unsigned points = zbar_symbol_get_loc_size(symbol);
        int x0 = width, y0 = height, x1 = 0, y1 = 0;
        for (unsigned i = 0; i < points; i++) {
            int x = zbar_symbol_get_loc_x(symbol, i), y = zbar_symbol_get_loc_y(symbol, i);
            if (x < x0) x0 = x;
            if (y < y0) y0 = y;
            if (x > x1) x1 = x;
            if (y > y1) y1 = y;
        }
        size_t used = strlen(result->text);
        snprintf(result->text + used, sizeof result->text - used, "\t%s:%d,%d,%d,%d:", symbol_name(symbol), x0, y0, x1, y1);
        append_escaped(result->text, sizeof result->text, zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol));
        result->symbols++;
    }
    zbar_image_set_data(image, NULL, 0, NULL);
    zbar_image_destroy(image);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    int repeats = 5, density = 2, smoothing = 1;
    char enabled[512] = "ean13,ean8,upca,code128,qrcode"; /* Symbology.kioskDefault */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--density") && i + 1 < argc) density = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-smoothing")) smoothing = 0;
        else if (!strcmp(argv[i], "--symbologies") && i + 1 < argc) snprintf(enabled, sizeof enabled, "%s", argv[++i]);
        else if (argv[i][0] != '-' && !dir) dir = argv[i];
        else fail("usage: decode DIR [--repeats N] [--density N] [--no-smoothing] [--symbologies a,b]", NULL);
    }
    if (!dir || repeats < 1 || density < 1) fail("usage: decode DIR [--repeats N] [--density N] [--no-smoothing] [--symbologies a,b]", NULL);

    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    for (char *name = strtok(enabled, ","); name; name = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < SYMBOLOGY_COUNT && strcmp(symbologies[i].name, name)) i++;
        if (i == SYMBOLOGY_COUNT) fail("unknown symbology", name);
        zbar_image_scanner_set_config(scanner, symbologies[i].type, ZBAR_CFG_ENABLE, 1);
        if (symbologies[i].type == ZBAR_UPCE) keep_upce = 1;
        if (symbologies[i].type == ZBAR_EAN13 || symbologies[i].type == ZBAR_EAN8 || symbologies[i].type == ZBAR_UPCA)
            zbar_image_scanner_set_config(scanner, ZBAR_UPCE, ZBAR_CFG_ENABLE, 1);
    }
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density);
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density);

    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.tsv", dir);
    FILE *manifest = fopen(path, "r");
    if (!manifest) fail("cannot open", path);
    char line[8192];
    if (!fgets(line, sizeof line, manifest)) fail("empty manifest", path);
    uint64_t *times = malloc(sizeof(uint64_t) * (size_t)repeats);
    uint8_t *smoothed = NULL;
    uint16_t *row = NULL;
    size_t capacity = 0;
    struct result result;
    while (fgets(line, sizeof line, manifest)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        size_t length = strlen(line);
        if (length < 4 || strcmp(line + length - 4, ".pgm")) continue; /* PNG frames: not read here */
        if (strlen(dir) + length + 2 > sizeof path) fail("path too long", line);
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)length, line);
        int width, height;
        uint8_t *pixels = read_pgm(path, &width, &height);
        size_t size = (size_t)width * (size_t)height;
        if (size > capacity) {
            free(smoothed);
            free(row);
            smoothed = malloc(size);
            row = malloc(sizeof(uint16_t) * (size_t)width);
            capacity = size;
        } else {
            free(row);
            row = malloc(sizeof(uint16_t) * (size_t)width);
        }
        for (int r = 0; r < repeats; r++) {
            uint64_t start = now_ns();
            if (smoothing) {
                smooth(pixels, smoothed, width, height, row);
                decode(scanner, smoothed, width, height, &result);
            } else {
                decode(scanner, pixels, width, height, &result);
            }
            times[r] = now_ns() - start;
        }
        qsort(times, (size_t)repeats, sizeof times[0], compare_u64);
        printf("%s\t%.4f\t%d%s\n", line, (double)times[repeats / 2] / 1e6, result.symbols, result.text);
        free(pixels);
    }
    fclose(manifest);
    zbar_image_scanner_destroy(scanner);
    return 0;
}
