/* Table-driven registers: the model of every register of the chip that has no behavioural model.
 * Each window gets the register list that tools/gen_regs.py generates from ST's SVD (with the
 * reviewed RM0399 corrections): a read returns the register's value (its reset value until
 * written), a write stores the read-write bits, clears the write-1-to-clear bits written with 1,
 * and leaves read-only bits alone; write-only bits read 0. The first access to each register is
 * logged as H7_LOG_UNIMP ("unmodelled"), once. Behavioural models fall back to the same table for
 * the registers they do not model (h7_soc_svdreg). */
#ifndef H7_SVDREG_H
#define H7_SVDREG_H

#include "h755_regs.h"

struct h7_soc;

typedef struct h7_svdreg {
    struct h7_soc *soc;
    const char *window;
    const h7_regmap *map;    /* NULL: the SVD has no table for the window (every offset is a hole) */
    uint32_t *val;           /* one per row of map */
    bool *logged;            /* one per row: its first access is logged */
} h7_svdreg;

void h7_svdreg_init(h7_svdreg *t, struct h7_soc *soc, const char *window);
void h7_svdreg_free(h7_svdreg *t);
/* Every register back to its reset value (both reset kinds: a window without a model has no
 * reset-domain knowledge; the logged-once flags stay set). */
void h7_svdreg_reset(h7_svdreg *t);
/* h7_read_fn / h7_write_fn of a window bound to its table (dev = the h7_svdreg). */
uint32_t h7_svdreg_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_svdreg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Apply one 32-bit write to a value with the access masks of row r (RO kept, W1C cleared, WO
 * dropped, reserved bits kept). Shared by models that start from the table. */
uint32_t h7_regdesc_apply_write(const h7_regdesc *r, uint32_t old, uint32_t value);

#endif
