#include "support.h"

#include "machine.h"

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

h7_machine *h7t_machine(const char *cm7, const char *cm4, const char *board)
{
    char cm7_path[1024] = "", cm4_path[1024] = "", err[512];
    if (cm7)
        snprintf(cm7_path, sizeof cm7_path, "%s", h7t_fw(cm7));
    if (cm4)
        snprintf(cm4_path, sizeof cm4_path, "%s", h7t_fw(cm4));
    h7_machine_config cfg = {.cm7_path = cm7 ? cm7_path : NULL, .cm4_path = cm4 ? cm4_path : NULL,
                             .board = board ? h7_board_builtin(board) : NULL};
    h7_machine *m = NULL;
    if (h7_machine_create(&m, &cfg, err, sizeof err) != 0)
        fail_msg("machine: %s", err);
    h7_machine_power_on(m);
    return m;
}

uint32_t h7t_peek(h7_machine *m, uint32_t addr)
{
    uint32_t v = 0;
    assert_true(h7_soc_read(&m->soc, addr, 4, H7_MASTER_DEBUG, &v));
    return v;
}
