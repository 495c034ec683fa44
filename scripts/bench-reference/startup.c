/* Reference for the start-up benchmark: the least a lane process must do before it is ready,
 * in plain C: read the catalog file, open the SQLite journal (WAL, synchronous=FULL, schema,
 * the open-session query) and listen on loopback. Prints "ready on PORT", then idles until
 * SIGTERM. Compared with `kiosk run` in the same run by scripts/bench. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void stop(int signal) { (void)signal; _exit(0); }

static void fail(const char *what) { fprintf(stderr, "startup reference: %s\n", what); exit(1); }

int main(int argc, char **argv) {
    if (argc != 3) fail("usage: startup CATALOG.csv JOURNAL.sqlite");
    FILE *catalog = fopen(argv[1], "rb");
    if (!catalog) fail("cannot open catalog");
    char buffer[65536];
    size_t n, lines = 0;
    while ((n = fread(buffer, 1, sizeof buffer, catalog)) > 0)
        for (size_t i = 0; i < n; i++) lines += buffer[i] == '\n';
    fclose(catalog);

    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) fail("cannot open journal");
    const char *sql =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS event (seq INTEGER PRIMARY KEY, at INTEGER, session TEXT, kind TEXT, payload TEXT, hash BLOB);"
        "CREATE TABLE IF NOT EXISTS session (id TEXT PRIMARY KEY, started_seq INTEGER, ended_seq INTEGER, outcome TEXT);"
        "SELECT id FROM session WHERE ended_seq IS NULL ORDER BY started_seq DESC LIMIT 1;";
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail(sqlite3_errmsg(db));

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&address, &length) != 0) fail("cannot listen");
    printf("ready on %d (%zu catalog lines)\n", ntohs(address.sin_port), lines);
    fflush(stdout);
    signal(SIGTERM, stop);
    pause();
    return 0;
}
