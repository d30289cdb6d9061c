/* libFuzzer: the YAML front ends -- scenario files (emu/scenario/scenario.c) and board files
 * (emu/board/board.c) -- on arbitrary text. Seeds: the bundled scenarios and boards. */
#include "fuzz_common.h"

#include <string.h>

#include "board.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[1024];
    h7_scenario s;
    if (h7_scenario_parse("fuzz.yaml", text, &s, err, sizeof err) == 0)
        h7_scenario_free(&s);
    else
        h7_scenario_free(&s);
    free(text);
    h7_board b;
    (void)h7_board_load(fuzz_file(data, size), &b, err, sizeof err);
    return 0;
}
