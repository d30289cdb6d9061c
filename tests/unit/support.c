#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char *h7t_fw(const char *name)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%s/%s", H7_FIRMWARE_DIR, name);
    return b;
}

const char *h7t_tmpfile(const void *data, size_t len)
{
    static char buf[4][64];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "/tmp/h7t_XXXXXX");
    int fd = mkstemp(b);
    if (fd < 0)
        return NULL;
    if (len && write(fd, data, len) != (ssize_t)len) {
        close(fd);
        return NULL;
    }
    close(fd);
    return b;
}
