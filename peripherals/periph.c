#include "periph.h"

const h7_regdesc *h7_reg_find(const h7_regdesc *table, size_t n, uint32_t offset)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].offset == offset)
            return &table[i];
    return NULL;
}
