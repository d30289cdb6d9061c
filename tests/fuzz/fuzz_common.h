/* Shared by the libFuzzer harnesses: hand the input to a loader that wants a path, through an
 * anonymous in-memory file (/proc/self/fd/N), so nothing touches the disk. */
#ifndef H7_FUZZ_COMMON_H
#define H7_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int fuzz_fd = -1;
static char fuzz_path[64];

__attribute__((unused)) static const char *fuzz_file(const uint8_t *data, size_t size)
{
    if (fuzz_fd < 0) {
        fuzz_fd = memfd_create("h7fuzz", 0);
        if (fuzz_fd < 0)
            abort();
        snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fuzz_fd);
    }
    if (ftruncate(fuzz_fd, 0) != 0 || pwrite(fuzz_fd, data, size, 0) != (ssize_t)size)
        abort();
    return fuzz_path;
}

#endif
