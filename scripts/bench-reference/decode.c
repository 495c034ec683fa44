/* Reference for the decode benchmark: the kiosk's camera pipeline in plain C over libzbar, on the
 * same frames. Same steps and settings as Sources/Vision (keep them in step):
 *   - the frame is 8-bit gray (PGM P5), width x height bytes;
 *   - 3x3 binomial smoothing ([1 2 1] x [1 2 1] / 16, rounded, edges clamped) into a second buffer;
 *   - one zbar image scanner, created once: every symbology off, then the chosen ones on (and
 *     UPC-E whenever EAN-13, EAN-8 or UPC-A is on, its reads dropped unless it was chosen: see
 *     ZBarDecoder.zbarSymbologies), ZBAR_CFG_X_DENSITY and ZBAR_CFG_Y_DENSITY set, no result cache;
 *   - per frame: the contrast map (ContrastMap: per 8x8 block, the summed gradient across and along
 *     on every 2nd pixel and row), computed once for the scan area and the DataMatrix candidates;
 *   - the scan area (ScanArea, unless --edge-threshold 0): the box around every block whose summed
 *     gradient across or along reaches twice the median block's (the larger of its two sums), at
 *     least 1 and at most the threshold grey levels a sample, grown by 4 blocks, clamped, moved onto
 *     the lines zbar scans in the whole frame (ZBarDecoder.onScanLines); no busy block, no zbar;
 *   - a zbar image (Y800) over the smoothed buffer without copying, cropped to the scan area,
 *     zbar_scan_image, each symbol's type, data and bounding box copied out, the image destroyed;
 *   - DataMatrix (when chosen): square candidates found as MatrixCandidates finds them, those
 *     overlapping a zbar symbol dropped, each copied out and searched by libdmtx (half resolution
 *     above 320 pixels a side, at most 3 regions, FNC1 as GS) as DataMatrixDecoder does.
 * Each frame is decoded REPEATS times, each time measured with clock_gettime(CLOCK_MONOTONIC) from
 * smoothing to the copied results; file loading is not timed.
 *
 *   decode DIR [--repeats N] [--density N] [--no-smoothing] [--edge-threshold N] [--symbologies a,b,c]
 *          [--manifest FILE]
 * (--manifest: another list of frames in DIR, e.g. sequences.tsv)
 * DIR holds manifest.tsv (from scripts/make-frames) and the frames; PGM frames only (others are skipped).
 * Prints, per frame:  file <TAB> median ms <TAB> symbols <TAB> symbology:x0,y0,x1,y1:data ...
 * (data with bytes below 0x20, 0x7f and backslash written as \xNN). */
#include <zbar.h>
#include <dmtx.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
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
static int density = 2, edge_threshold = 6; /* ScanArea().threshold; 0: zbar scans the whole frame */
static int datamatrix; /* DataMatrix was asked for */

/* MatrixCandidates' defaults. */
enum { CELL = 8, THRESHOLD = 10, MIN_CELLS = 3, GAP_CELLS = 1, MARGIN_CELLS = 2, LIMIT = 2, LARGEST_SIDE = 320, ATTEMPTS = 3, SCANS = 400 };
#define MAX_ASPECT 1.6
#define MIN_FILL 0.25

struct box { int x, y, w, h; };

static int overlaps(struct box a, struct box b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* ContrastMap: per CELL x CELL block, the summed |right - here| (across) and |below - here| (along)
 * on every 2nd pixel of every 2nd row. */
struct contrast_map { int columns, rows; int *across, *along; };
enum { SAMPLES = (CELL / 2) * (CELL / 2), AREA_MARGIN_CELLS = 4 };

static void map_contrast(const uint8_t *pixels, int width, int height, struct contrast_map *map) {
    map->columns = width / CELL;
    map->rows = height / CELL;
    for (int row = 0; row < map->rows; row++)
        for (int column = 0; column < map->columns; column++) {
            int across = 0, along = 0;
            for (int y = row * CELL; y < (row + 1) * CELL; y += 2) {
                const uint8_t *line = pixels + (size_t)y * width;
                const uint8_t *below = y + 1 < height ? line + width : line;
                for (int x = column * CELL; x < (column + 1) * CELL; x += 2) {
                    int here = line[x], right = line[x + 1 < width ? x + 1 : width - 1];
                    across += abs(right - here);
                    along += abs(below[x] - here);
                }
            }
            map->across[row * map->columns + column] = across;
            map->along[row * map->columns + column] = along;
        }
}

/* The lines zbar scans in a size-long side at this density, from start to end (exclusive). */
static void scan_lines(int start, int end, int size, int *first_line, int *count) {
    int first = ((size - 1) % density + 1) / 2;
    int aligned = start <= first ? first : first + (start - first) / density * density;
    int last = (end < size ? end : size) - 1;
    *first_line = aligned;
    *count = last >= aligned ? (last - aligned) / density * density + 1 : 1;
}

/* ScanArea: 0 when no block is busy, else 1 and the crop, already on zbar's lines. */
static int scan_area(const struct contrast_map *map, int width, int height, struct box *crop) {
    enum { MOST = 255 * SAMPLES, MINIMUM_THRESHOLD = 1, NOISE_FACTOR = 2 };
    static int histogram[MOST + 1];
    int count = map->columns * map->rows, seen = 0, median = 0;
    memset(histogram, 0, sizeof histogram);
    for (int i = 0; i < count; i++) {
        int larger = map->across[i] > map->along[i] ? map->across[i] : map->along[i];
        histogram[larger < MOST ? larger : MOST]++;
    }
    while (median < MOST && seen + histogram[median] <= count / 2) seen += histogram[median++];
    int needed = NOISE_FACTOR * median;
    if (needed < MINIMUM_THRESHOLD * SAMPLES) needed = MINIMUM_THRESHOLD * SAMPLES;
    if (needed > edge_threshold * SAMPLES) needed = edge_threshold * SAMPLES;
    int x0 = map->columns, y0 = map->rows, x1 = -1, y1 = -1;
    for (int row = 0; row < map->rows; row++)
        for (int column = 0; column < map->columns; column++) {
            int i = row * map->columns + column;
            if (map->across[i] < needed && map->along[i] < needed) continue;
            if (column < x0) x0 = column;
            if (row < y0) y0 = row;
            if (column > x1) x1 = column;
            if (row > y1) y1 = row;
        }
    if (x1 < 0) return 0;
    int left = (x0 - AREA_MARGIN_CELLS) * CELL, top = (y0 - AREA_MARGIN_CELLS) * CELL;
    int right = (x1 + 1 + AREA_MARGIN_CELLS) * CELL, bottom = (y1 + 1 + AREA_MARGIN_CELLS) * CELL;
    if (left < 0) left = 0;
    if (top < 0) top = 0;
    if (right > width) right = width;
    if (bottom > height) bottom = height;
    scan_lines(left, right, width, &crop->x, &crop->w);
    scan_lines(top, bottom, height, &crop->y, &crop->h);
    return 1;
}

/* Busy cells (mean gradient >= THRESHOLD across and along), 8-connected blobs in row-major order
 * of their first cell, the roughly square ones, largest first, at most LIMIT, each grown by a cell
 * and clamped. Returns how many were written to out. */
static int find_candidates(const struct contrast_map *map, int width, int height, struct box *out) {
    int columns = map->columns, rows = map->rows;
    if (columns < MIN_CELLS || rows < MIN_CELLS) return 0;
    int count = columns * rows;
    unsigned char *busy = calloc((size_t)count, 1), *seen = calloc((size_t)count, 1);
    int *stack = malloc(sizeof(int) * (size_t)count);
    for (int i = 0; i < count; i++)
        busy[i] = map->across[i] >= THRESHOLD * SAMPLES && map->along[i] >= THRESHOLD * SAMPLES;
    struct { struct box box; int cells; } kept[64];
    int nkept = 0;
    for (int start = 0; start < count; start++) {
        if (!busy[start] || seen[start]) continue;
        int top = 0, x0 = columns, y0 = rows, x1 = 0, y1 = 0, cells = 0;
        seen[start] = 1;
        stack[top++] = start;
        while (top > 0) {
            int index = stack[--top], x = index % columns, y = index / columns;
            if (x < x0) x0 = x;
            if (y < y0) y0 = y;
            if (x > x1) x1 = x;
            if (y > y1) y1 = y;
            cells++;
            for (int dy = -GAP_CELLS - 1; dy <= GAP_CELLS + 1; dy++)
                for (int dx = -GAP_CELLS - 1; dx <= GAP_CELLS + 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx < 0 || nx >= columns || ny < 0 || ny >= rows) continue;
                    int next = ny * columns + nx;
                    if (busy[next] && !seen[next]) { seen[next] = 1; stack[top++] = next; }
                }
        }
        int w = x1 - x0 + 1, h = y1 - y0 + 1, shorter = w < h ? w : h, longer = w < h ? h : w;
        if (shorter >= MIN_CELLS && longer <= MAX_ASPECT * shorter && cells >= MIN_FILL * w * h && nkept < 64) {
            kept[nkept].box = (struct box){x0, y0, w, h};
            kept[nkept].cells = cells;
            nkept++;
        }
    }
    /* Largest first; equal areas: upper first, then left first (insertion sort keeps it simple). */
    for (int i = 1; i < nkept; i++)
        for (int j = i; j > 0; j--) {
            struct box a = kept[j - 1].box, b = kept[j].box;
            int before = b.w * b.h > a.w * a.h || (b.w * b.h == a.w * a.h && (b.y < a.y || (b.y == a.y && b.x < a.x)));
            if (!before) break;
            kept[j - 1].box = b;
            kept[j].box = a;
        }
    int n = 0;
    for (int i = 0; i < nkept && n < LIMIT; i++) {
        struct box b = kept[i].box;
        int left = (b.x - MARGIN_CELLS) * CELL, top = (b.y - MARGIN_CELLS) * CELL;
        int right = left + (b.w + 2 * MARGIN_CELLS) * CELL, bottom = top + (b.h + 2 * MARGIN_CELLS) * CELL;
        if (left < 0) left = 0;
        if (top < 0) top = 0;
        if (right > width) right = width;
        if (bottom > height) bottom = height;
        if (right > left && bottom > top) out[n++] = (struct box){left, top, right - left, bottom - top};
    }
    free(busy);
    free(seen);
    free(stack);
    return n;
}

/* libdmtx on one candidate (copied into crop); appends what it reads to result. */
static void read_datamatrix(const uint8_t *pixels, int width, struct box c, uint8_t *crop, struct result *result,
                            char found[][1024], int *nfound) {
    for (int y = 0; y < c.h; y++) memcpy(crop + (size_t)y * c.w, pixels + (size_t)(c.y + y) * width + c.x, (size_t)c.w);
    int scale = (c.w > c.h ? c.w : c.h) > LARGEST_SIDE ? 2 : 1;
    DmtxImage *image = dmtxImageCreate(crop, c.w, c.h, DmtxPack8bppK);
    DmtxDecode *decoder = dmtxDecodeCreate(image, scale);
    dmtxDecodeSetProp(decoder, DmtxPropFnc1, 0x1d);
    /* Coarse to fine grids of scan points (spacing 32, 16, 8, 4 pixels of the searched image), at
     * most SCANS of them, instead of dmtxRegionFindNext's search of every pixel: the work per
     * candidate is bounded by a count, not a clock. */
    int sw = c.w / scale, sh = c.h / scale, scans = 0, attempts = 0, done = 0;
    for (int spacing = 32; spacing >= 4 && !done; spacing /= 2)
    for (int sy = spacing / 2; sy < sh && !done; sy += spacing)
    for (int sx = spacing / 2; sx < sw && !done; sx += spacing) {
        if (scans++ >= SCANS || attempts >= ATTEMPTS) { done = 1; break; }
        DmtxRegion *region = dmtxRegionScanPixel(decoder, sx, sy);
        if (!region) continue;
        attempts++;
        DmtxMessage *message = dmtxDecodeMatrixRegion(decoder, region, DmtxUndefined);
        if (!message) { dmtxRegionDestroy(&region); continue; }
        int gs1 = message->codeSize > 0 && message->code[0] == 232;
        const unsigned char *data = message->output;
        int length = message->outputIdx;
        if (gs1 && length > 0 && data[0] == 0x1d) { data++; length--; }
        if (length <= 0) { dmtxMessageDestroy(&message); dmtxRegionDestroy(&region); continue; }
        double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
        double corners[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
        for (int i = 0; i < 4; i++) {
            double u = corners[i][0], v = corners[i][1];
            double (*m)[3] = region->fit2raw;
            double w = u * m[0][2] + v * m[1][2] + m[2][2], x = 0, y = 0;
            if (w != 0) { x = (u * m[0][0] + v * m[1][0] + m[2][0]) / w; y = (u * m[0][1] + v * m[1][1] + m[2][1]) / w; }
            if (x < x0) x0 = x;
            if (y < y0) y0 = y;
            if (x > x1) x1 = x;
            if (y > y1) y1 = y;
        }
        /* Swift's rounding: half away from zero. */
        int left = (int)round(x0 * scale), right = (int)round(x1 * scale);
        int top = c.h - 1 - (int)round(y1 * scale), bottom = c.h - 1 - (int)round(y0 * scale);
        if (right < left) right = left;
        if (bottom < top) bottom = top;
        char text[1024] = "";
        append_escaped(text, sizeof text, (const char *)data, (unsigned)length);
        char key[1024];
        snprintf(key, sizeof key, "%d:%s", gs1, text);
        int duplicate = 0;
        for (int i = 0; i < *nfound; i++) duplicate |= !strcmp(found[i], key);
        if (!duplicate && *nfound < 8) {
            snprintf(found[(*nfound)++], 1024, "%s", key);
            size_t used = strlen(result->text);
            snprintf(result->text + used, sizeof result->text - used, "\t%s:%d,%d,%d,%d:%s", gs1 ? "gs1-datamatrix" : "datamatrix",
                     c.x + left, c.y + top, c.x + right, c.y + bottom, text);
            result->symbols++;
        }
        dmtxMessageDestroy(&message);
        dmtxRegionDestroy(&region);
        done = 1;
    }
    dmtxDecodeDestroy(&decoder);
    dmtxImageDestroy(&image);
}

/* zbar over the image (cropped to area unless it is NULL); the symbols' boxes go to read. */
static void scan_zbar(zbar_image_scanner_t *scanner, const uint8_t *pixels, int width, int height, const struct box *area,
                      struct result *result, struct box *read, int *nread) {
    zbar_image_t *image = zbar_image_create();
    zbar_image_set_format(image, zbar_fourcc_parse("Y800"));
    zbar_image_set_size(image, (unsigned)width, (unsigned)height);
    zbar_image_set_data(image, pixels, (unsigned long)width * (unsigned long)height, NULL);
    if (area) zbar_image_set_crop(image, (unsigned)area->x, (unsigned)area->y, (unsigned)area->w, (unsigned)area->h);
    zbar_scan_image(scanner, image);
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
        if (*nread < 64) read[(*nread)++] = (struct box){x0, y0, x1 - x0, y1 - y0};
        size_t used = strlen(result->text);
        snprintf(result->text + used, sizeof result->text - used, "\t%s:%d,%d,%d,%d:", symbol_name(symbol), x0, y0, x1, y1);
        append_escaped(result->text, sizeof result->text, zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol));
        result->symbols++;
    }
    zbar_image_set_data(image, NULL, 0, NULL);
    zbar_image_destroy(image);
}

static void decode(zbar_image_scanner_t *scanner, const uint8_t *pixels, int width, int height, struct result *result,
                   uint8_t *crop, struct contrast_map *map) {
    struct box read[64], area;
    int nread = 0;
    result->text[0] = 0;
    result->symbols = 0;
    if (edge_threshold > 0 || datamatrix) map_contrast(pixels, width, height, map);
    if (edge_threshold == 0) scan_zbar(scanner, pixels, width, height, NULL, result, read, &nread);
    else if (scan_area(map, width, height, &area)) scan_zbar(scanner, pixels, width, height, &area, result, read, &nread);
    /* else no busy block: nothing zbar could read */
    if (!datamatrix) return;
    struct box candidates[LIMIT];
    char found[8][1024];
    int nfound = 0, n = find_candidates(map, width, height, candidates);
    for (int i = 0; i < n; i++) {
        int clear = 1;
        for (int j = 0; j < nread; j++) clear &= !overlaps(read[j], candidates[i]);
        if (clear) read_datamatrix(pixels, width, candidates[i], crop, result, found, &nfound);
    }
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    int repeats = 5, smoothing = 1;
    char enabled[512] = "ean13,ean8,upca,code128,qrcode,datamatrix"; /* Symbology.kioskDefault */
    const char *list = "manifest.tsv";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--density") && i + 1 < argc) density = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-smoothing")) smoothing = 0;
        else if (!strcmp(argv[i], "--edge-threshold") && i + 1 < argc) edge_threshold = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--symbologies") && i + 1 < argc) snprintf(enabled, sizeof enabled, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--manifest") && i + 1 < argc) list = argv[++i];
        else if (argv[i][0] != '-' && !dir) dir = argv[i];
        else fail("usage: decode DIR [--repeats N] [--density N] [--no-smoothing] [--edge-threshold N] [--symbologies a,b]", NULL);
    }
    if (!dir || repeats < 1 || density < 1 || edge_threshold < 0)
        fail("usage: decode DIR [--repeats N] [--density N] [--no-smoothing] [--edge-threshold N] [--symbologies a,b]", NULL);

    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    for (char *name = strtok(enabled, ","); name; name = strtok(NULL, ",")) {
        if (!strcmp(name, "datamatrix")) { datamatrix = 1; continue; }
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
    snprintf(path, sizeof path, "%s/%s", dir, list);
    FILE *manifest = fopen(path, "r");
    if (!manifest) fail("cannot open", path);
    char line[8192];
    if (!fgets(line, sizeof line, manifest)) fail("empty manifest", path);
    uint64_t *times = malloc(sizeof(uint64_t) * (size_t)repeats);
    uint8_t *smoothed = NULL, *crop = NULL;
    uint16_t *row = NULL;
    size_t capacity = 0;
    struct contrast_map map = {0, 0, NULL, NULL};
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
            free(crop);
            free(map.across);
            free(map.along);
            smoothed = malloc(size);
            crop = malloc(size);
            map.across = malloc(sizeof(int) * (size / (CELL * CELL) + 1));
            map.along = malloc(sizeof(int) * (size / (CELL * CELL) + 1));
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
                decode(scanner, smoothed, width, height, &result, crop, &map);
            } else {
                decode(scanner, pixels, width, height, &result, crop, &map);
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
