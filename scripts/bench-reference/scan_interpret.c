/* Reference for `scripts/bench scan`: the plain-digit part of scan interpretation in C, on the
 * inputs kiosk-bench wrote (one per line). Lines that are GS1 element strings, Digital Links or
 * coupons are skipped (the kiosk's figure for those has no C counterpart here). For each digit
 * code, as the kiosk's ScanInterpreter does: an optional 3-character AIM identifier, wallet
 * payment code ranges, GTIN length and mod-10 check digit, normalisation to 14 digits, in-store
 * price codes (EAN-13 prefixes 02 and 20-29: price digits and the zeroed catalog key with its
 * check digit) and member cards (prefix 04).
 *
 *   scan_interpret MIX-FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct meaning {
    int kind; /* 1 item, 2 in-store price, 3 member, 4 wechat, 5 alipay, 0 error */
    char gtin[15];
    long long price;
};

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int check_digit(const char *d, int n) {
    int sum = 0, weight = 3;
    for (int i = n - 1; i >= 0; i--) {
        sum += (d[i] - '0') * weight;
        weight = 4 - weight;
    }
    return (10 - sum % 10) % 10;
}

static int all_digits(const char *s, int n) {
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static void interpret_digits(const char *s, int n, struct meaning *m) {
    m->kind = 0;
    if (n >= 16 && n <= 24) {
        int prefix = (s[0] - '0') * 10 + (s[1] - '0');
        if (n == 18 && prefix >= 10 && prefix <= 15) m->kind = 4;
        else if (prefix >= 25 && prefix <= 30) m->kind = 5;
        return;
    }
    if (n != 8 && n != 12 && n != 13 && n != 14) return;
    if (check_digit(s, n - 1) != s[n - 1] - '0') return;
    memset(m->gtin, '0', 14);
    memcpy(m->gtin + 14 - n, s, n);
    m->gtin[14] = 0;
    const char *ean13 = m->gtin + 1;
    if (m->gtin[0] == '0' && (ean13[0] == '2' || (ean13[0] == '0' && ean13[1] == '2'))) {
        long long price = 0;
        for (int i = 7; i < 12; i++) price = price * 10 + (ean13[i] - '0');
        m->price = price;
        memset(m->gtin + 8, '0', 5);
        m->gtin[13] = (char)('0' + check_digit(m->gtin, 13));
        m->kind = 2;
        return;
    }
    m->kind = (m->gtin[0] == '0' && ean13[0] == '0' && ean13[1] == '4') ? 3 : 1;
}

/* 1 when the line takes the plain-digit path; sets *start and *length to the digits. */
static int plain_digits(const char *line, int n, int *start, int *length) {
    if (all_digits(line, n)) { *start = 0; *length = n; return 1; }
    if (n > 3 && line[0] == ']' && all_digits(line + 3, n - 3)) {
        static const char *gs1[] = {"]C1", "]e0", "]d2", "]Q3", "]J1"};
        for (int i = 0; i < 5; i++)
            if (memcmp(line, gs1[i], 3) == 0) return 0;
        *start = 3;
        *length = n - 3;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: scan_interpret MIX-FILE\n"); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    size_t cap = 1 << 16, count = 0, skipped = 0;
    char **lines = malloc(cap * sizeof *lines);
    int *lengths = malloc(cap * sizeof *lengths);
    char buf[1024];
    while (fgets(buf, sizeof buf, f)) {
        int n = (int)strlen(buf);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
        int start, length;
        if (!plain_digits(buf, n, &start, &length)) { skipped++; continue; }
        if (count == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            lengths = realloc(lengths, cap * sizeof *lengths);
        }
        lines[count] = malloc((size_t)n + 1);
        memcpy(lines[count], buf, (size_t)n);
        lines[count][n] = 0;
        lengths[count] = n;
        count++;
    }
    fclose(f);

    const int rounds = 10;
    double best = 1e30;
    long long sink = 0;
    for (int pass = 0; pass < 5; pass++) {
        uint64_t begin = now_ns();
        for (int r = 0; r < rounds; r++) {
            for (size_t i = 0; i < count; i++) {
                /* The AIM check runs per scan, as in the kiosk. */
                int start, length;
                struct meaning m;
                if (!plain_digits(lines[i], lengths[i], &start, &length)) continue;
                interpret_digits(lines[i] + start, length, &m);
                sink += m.kind + m.price + m.gtin[13];
            }
        }
        double seconds = (double)(now_ns() - begin) / 1e9;
        if (seconds < best) best = seconds;
    }
    double scans = (double)count * rounds;
    printf("scan-interpret C reference: plain-digit path %zu inputs (%zu other lines skipped): %.0f scans/s (%.3f us/scan) (sink %lld)\n",
           count, skipped, scans / best, best * 1e6 / scans, sink & 0xff);
    return 0;
}
