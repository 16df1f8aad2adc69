/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One replay run: source -> rewrite/faults -> schedule -> target, with answers, record and report.
 */
#ifndef MR_REPLAY_H
#define MR_REPLAY_H

#include "exitcode.h"
#include "options.h"

/* Exit codes (replay/common/exitcode.h, docs/options.md); GError->code carries them. */
#define MR_EXIT_OK          MCP_EXIT_OK
#define MR_EXIT_MISMATCH    MCP_EXIT_FAULT
#define MR_EXIT_USAGE       MCP_EXIT_USAGE
#define MR_EXIT_UNREACHABLE MCP_EXIT_UNREACHABLE
#define MR_EXIT_OUTPUT      MCP_EXIT_OUTPUT

/* Runs and returns the process exit code (0, 1, 2 or 3). */
int mr_replay_run(const struct mr_options *o);

/* Asks a running replay to stop after the current frame (from a signal handler). */
void mr_replay_request_stop(void);

#endif
