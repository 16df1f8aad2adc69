/* One replay run: source -> rewrite/faults -> schedule -> target, with answers, record and report.
 */
#ifndef MR_REPLAY_H
#define MR_REPLAY_H

#include "options.h"

/* Exit codes (docs/mcpreplay.md); GError->code carries them. */
#define MR_EXIT_OK          0
#define MR_EXIT_MISMATCH    1
#define MR_EXIT_USAGE       2
#define MR_EXIT_UNREACHABLE 3

/* Runs and returns the process exit code (0, 1, 2 or 3). */
int mr_replay_run(const struct mr_options *o);

/* Asks a running replay to stop after the current frame (from a signal handler). */
void mr_replay_request_stop(void);

#endif
