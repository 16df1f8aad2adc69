/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --junit FILE (issue 21): the --expect verdict as JUnit XML, the schema
 * Jenkins, GitLab and GitHub read: one <testsuite> per run, one <testcase> per
 * compared request (named by record, seq, command and device), a <failure>
 * per request that is mismatched, late, NAKed or missing, a <skipped> case per
 * frame the capture does not hold whole, and an <error> case when the run
 * ended for another reason (target lost, interrupted, an output lost...).
 * Its counts are the summary's. Testcases go to an unlinked temporary file as
 * verdicts come, so memory stays flat; the file is written at the end.
 */
#ifndef MR_JUNIT_H
#define MR_JUNIT_H

#include <glib.h>
#include <stdio.h>

#include "expect.h"
#include "report.h"

struct mr_junit;

/* Opens FILE ("-": stdout) and the scratch file; NULL with *error (exit 6). */
struct mr_junit *mr_junit_open(const char *path, const char *suite, int timeout_ms, GError **error);

/* One verdict (struct mr_expect_config.on_verdict). */
void mr_junit_verdict(void *ctx, const struct mr_verdict *v);

/* Writes the document (skips and the run's own verdict from s) and closes; false with *error
 * when it could not be written. Frees j in any case. */
bool mr_junit_finish(struct mr_junit *j, const struct mr_run_stats *s, GError **error);

#endif
