/* Reference for the MJPEG benchmark: what Sources/Vision/MJPEGDecoder does per camera frame, in
 * plain C over libjpeg-turbo: one decompressor, created once; per frame the header read
 * (tjDecompressHeader3) and the frame decoded to 8-bit grey (TJPF_GRAY: the luma alone) into a
 * buffer allocated for it. Each file is decoded REPEATS times, each measured with
 * clock_gettime(CLOCK_MONOTONIC); file loading is not timed.
 *   mjpeg [--repeats N] FILE.jpg ...
 * Prints, per file:  file <TAB> median ms <TAB> width x height */
#include <turbojpeg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int repeats = 20, first = 1;
    if (argc > 2 && strcmp(argv[1], "--repeats") == 0) { repeats = atoi(argv[2]); first = 3; }
    if (repeats < 1 || first >= argc) { fprintf(stderr, "usage: mjpeg [--repeats N] FILE.jpg ...\n"); return 2; }
    tjhandle handle = tjInitDecompress();
    if (!handle) { fprintf(stderr, "mjpeg: no decompressor\n"); return 1; }
    double *times = malloc(sizeof(double) * (size_t)repeats);
    for (int f = first; f < argc; f++) {
        FILE *file = fopen(argv[f], "rb");
        if (!file) { perror(argv[f]); return 1; }
        fseek(file, 0, SEEK_END);
        long size = ftell(file);
        fseek(file, 0, SEEK_SET);
        unsigned char *jpeg = malloc((size_t)size);
        if (fread(jpeg, 1, (size_t)size, file) != (size_t)size) { perror(argv[f]); return 1; }
        fclose(file);
        int width = 0, height = 0;
        for (int r = 0; r < repeats; r++) {
            uint64_t start = now_ns();
            int subsampling, colorspace;
            if (tjDecompressHeader3(handle, jpeg, (unsigned long)size, &width, &height, &subsampling, &colorspace) != 0) {
                fprintf(stderr, "mjpeg: %s: %s\n", argv[f], tjGetErrorStr2(handle));
                return 1;
            }
            unsigned char *gray = malloc((size_t)width * (size_t)height);
            if (tjDecompress2(handle, jpeg, (unsigned long)size, gray, width, width, height, TJPF_GRAY, 0) != 0) {
                fprintf(stderr, "mjpeg: %s: %s\n", argv[f], tjGetErrorStr2(handle));
                return 1;
            }
            times[r] = (double)(now_ns() - start) / 1e6;
            free(gray);
        }
        qsort(times, (size_t)repeats, sizeof(double), compare);
        printf("%s\t%.3f\t%dx%d\n", argv[f], times[repeats / 2], width, height);
        free(jpeg);
    }
    free(times);
    tjDestroy(handle);
    return 0;
}
