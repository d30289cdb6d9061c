/* libFuzzer: the GDB remote-protocol packet layer (framing, checksums, acks, Ctrl-C, every packet
 * handler) of emu/debug/gdbstub.c, fed through its own input path with a live machine behind it.
 * The replies go to a socketpair that is drained after each input. The machine is created once
 * (an engine costs milliseconds) and power-cycled every 4096 inputs, so state can carry over
 * between inputs: a crash found here is reproduced by running the crash file alone, usually.
 * Includes the stub's source to reach its static functions without widening its interface. */
#include "fuzz_common.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#include "../../emu/debug/gdbstub.c"

static server srv;
static int peer = -1;
static unsigned inputs;

static void setup(void)
{
    h7_machine_config cfg = {0};
    const char *dir = getenv("H7_FIRMWARE_DIR");
    static char cm7[4096], cm4[4096];
    if (dir) {
        snprintf(cm7, sizeof cm7, "%s/hello_cm7.elf", dir);
        snprintf(cm4, sizeof cm4, "%s/hello_cm4.elf", dir);
        if (access(cm7, R_OK) == 0 && access(cm4, R_OK) == 0) {
            cfg.cm7_path = cm7;
            cfg.cm4_path = cm4;
        }
    }
    char err[512];
    if (h7_machine_create(&srv.m, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_rsp: %s\n", err);
        abort();
    }
    h7_machine_power_on(srv.m);
    for (int k = 0; k < H7_NCORES; k++) {
        srv.lfd[k] = -1;
        srv.cl[k].fd = -1;
        srv.cl[k].core = (h7_core_id)k;
    }
}

static void drain(void)
{
    char buf[65536];
    while (read(peer, buf, sizeof buf) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv.m)
        setup();
    if (++inputs % 4096 == 0)
        h7_machine_power_on(srv.m);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    int big = 1 << 22;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    peer = sv[1];
    /* The first byte picks the core, the rest is the byte stream from gdb. */
    client *c = &srv.cl[size && (data[0] & 1) ? H7_CM4 : H7_CM7];
    c->fd = sv[0];
    c->noack = false;
    c->waiting = false;
    c->inlen = 0;
    size_t i = size ? 1 : 0;
    while (i < size && c->fd >= 0) {
        size_t room = sizeof c->in - c->inlen;
        size_t n = size - i < room ? size - i : room;
        memcpy(c->in + c->inlen, data + i, n);
        c->inlen += n;
        i += n;
        process_input(&srv, c);
        drain();
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    close(peer);
    peer = -1;
    return 0;
}
