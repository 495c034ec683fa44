/* Reference for the catalog lookup benchmark: the lane's point lookup by GTIN in plain C, on the
 * same catalog store the kiosk built. It follows the store's current-version pointer in
 * catalog.sqlite, opens that version file as the kiosk does (URI `?immutable=1`, read-only,
 * `PRAGMA mmap_size`), prepares the same SELECT once, and for each GTIN binds, steps, copies the
 * row into an item struct (the text would not outlive the reset) and resets. Like `kiosk-bench
 * catalog-lookup`, it looks every GTIN up once to warm the pages, then again timing each lookup
 * with clock_gettime(CLOCK_MONOTONIC).
 *
 *   catalog_lookup DIR GTINS [--one-transaction]     (GTINS: one code per line)
 * --one-transaction keeps one read transaction open for all lookups, as the kiosk's reader does
 * (the file is immutable): the same trick in C, for a like-for-like figure.
 * Prints one line: lookups, found, seconds, lookups/s, p50 and p99 in microseconds. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Keep in step with CatalogVersionFile in Sources/CatalogStore/CatalogVersionFile.swift. */
static const char *lookup_sql =
    "SELECT name_en, name_zh, price, member_price, tax, min_age, multibuy_quantity, multibuy_pay_for, embedded_price, "
    "offer, item_group FROM item WHERE gtin = ?1";
static const char *reader_pragmas = "PRAGMA mmap_size = 1073741824";

struct item {
    int64_t gtin, price, member_price;
    int has_member_price, min_age, multibuy_quantity, multibuy_pay_for, embedded_price, has_zh, has_offer, has_group;
    char name_en[256], name_zh[256], tax[16], offer[32], group[64];
};

static void fail(const char *what, sqlite3 *db) {
    fprintf(stderr, "catalog_lookup: %s%s%s\n", what, db ? ": " : "", db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void copy_text(sqlite3_stmt *st, int column, char *out, size_t size) {
    const unsigned char *text = sqlite3_column_text(st, column);
    size_t n = (size_t)sqlite3_column_bytes(st, column);
    if (n >= size) n = size - 1;
    if (text) memcpy(out, text, n);
    out[n] = 0;
}

/* 1 when found (and *item filled), 0 when not. */
static int lookup(sqlite3 *db, sqlite3_stmt *st, int64_t gtin, struct item *item) {
    sqlite3_bind_int64(st, 1, gtin);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) fail("step", db);
    item->gtin = gtin;
    copy_text(st, 0, item->name_en, sizeof item->name_en);
    item->has_zh = sqlite3_column_type(st, 1) != SQLITE_NULL;
    if (item->has_zh) copy_text(st, 1, item->name_zh, sizeof item->name_zh);
    item->price = sqlite3_column_int64(st, 2);
    item->has_member_price = sqlite3_column_type(st, 3) != SQLITE_NULL;
    item->member_price = item->has_member_price ? sqlite3_column_int64(st, 3) : 0;
    copy_text(st, 4, item->tax, sizeof item->tax);
    item->min_age = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
    item->multibuy_quantity = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 6);
    item->multibuy_pay_for = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 7);
    item->embedded_price = sqlite3_column_int(st, 8);
    item->has_offer = sqlite3_column_type(st, 9) != SQLITE_NULL;
    if (item->has_offer) copy_text(st, 9, item->offer, sizeof item->offer);
    item->has_group = sqlite3_column_type(st, 10) != SQLITE_NULL;
    if (item->has_group) copy_text(st, 10, item->group, sizeof item->group);
    sqlite3_reset(st);
    return 1;
}

int main(int argc, char **argv) {
    int one_transaction = argc == 4 && strcmp(argv[3], "--one-transaction") == 0;
    if (argc != 3 && !one_transaction) fail("usage: catalog_lookup DIR GTINS [--one-transaction]", NULL);

    /* The current version's file, from the control database. */
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog.sqlite", argv[1]);
    sqlite3 *control;
    if (sqlite3_open_v2(path, &control, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail("open catalog.sqlite", control);
    sqlite3_stmt *pointer;
    if (sqlite3_prepare_v2(control, "SELECT v.file FROM catalog_current c JOIN catalog_version v ON v.id = c.version",
                           -1, &pointer, NULL) != SQLITE_OK)
        fail("prepare pointer", control);
    if (sqlite3_step(pointer) != SQLITE_ROW) fail("no current catalog version", control);
    char uri[4200];
    snprintf(uri, sizeof uri, "file:%s/%s?immutable=1", argv[1], (const char *)sqlite3_column_text(pointer, 0));
    sqlite3_finalize(pointer);
    sqlite3_close(control);

    sqlite3 *db;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        fail("open version", db);
    sqlite3_extended_result_codes(db, 1);
    if (sqlite3_exec(db, reader_pragmas, NULL, NULL, NULL) != SQLITE_OK) fail("pragma", db);
    if (one_transaction && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) fail("begin", db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, lookup_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) fail("prepare", db);

    FILE *list = fopen(argv[2], "r");
    if (!list) fail("cannot open the GTIN list", NULL);
    size_t count = 0, capacity = 1 << 20;
    int64_t *gtins = malloc(capacity * sizeof *gtins);
    char line[64];
    while (fgets(line, sizeof line, list)) {
        if (line[0] < '0' || line[0] > '9') continue;
        if (count == capacity) gtins = realloc(gtins, (capacity *= 2) * sizeof *gtins);
        gtins[count++] = strtoll(line, NULL, 10);
    }
    fclose(list);
    if (count == 0) fail("empty GTIN list", NULL);

    struct item item;
    size_t found = 0;
    for (size_t i = 0; i < count; i++) found += (size_t)lookup(db, st, gtins[i], &item);

    uint64_t *times = malloc(count * sizeof *times);
    long sink = 0;
    uint64_t start = now_ns();
    for (size_t i = 0; i < count; i++) {
        uint64_t before = now_ns();
        int hit = lookup(db, st, gtins[i], &item);
        times[i] = now_ns() - before;
        if (hit) sink += item.price + (long)strlen(item.name_en);
    }
    double total = (double)(now_ns() - start) / 1e9;
    qsort(times, count, sizeof *times, compare);
    printf("catalog-lookup C%s: %zu lookups (%zu found) %.3f s %.0f lookups/s p50 %.2f us p99 %.2f us (sink %ld)\n",
           one_transaction ? " (one transaction)" : "", count, found, total, (double)count / total,
           (double)times[count / 2] / 1000, (double)times[count * 99 / 100] / 1000, sink & 0xFF);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(times);
    free(gtins);
    return 0;
}
