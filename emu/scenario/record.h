/* `h7emu record`: write a scenario from an observed run (docs/scenarios.md#recording-a-sequence). */
#ifndef H7_RECORD_H
#define H7_RECORD_H

int h7_cmd_record(int argc, char **argv);

#endif
