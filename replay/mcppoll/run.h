/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcppoll's run: opens the session, starts it with a SYNC (§3, unless
 * --no-sync), runs the command once or --count times every --interval, or
 * scans device ids, prints what came back and returns the exit code (0 OK,
 * 1 another status or NAKed, 2 usage, 3 unreachable or no answer).
 */
#ifndef MP_RUN_H
#define MP_RUN_H

#include "options.h"

int mp_run(const struct mp_options *o);

#endif
