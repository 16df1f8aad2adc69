/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The schedule: when each frame is due, as an absolute CLOCK_MONOTONIC time
 * computed from one anchor (never "now + gap", so error cannot accumulate),
 * and the wait that meets it: sleep until shortly before, then spin.
 */
#ifndef MR_PACER_H
#define MR_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mr_pace_mode {
    MR_PACE_CAPTURE, /* capture timestamps / speed */
    MR_PACE_PPS,
    MR_PACE_MBPS,
    MR_PACE_TOP
};

struct mr_pacer {
    enum mr_pace_mode mode;
    double speed, pps, mbps;
    bool started;
    int64_t anchor_ns; /* monotonic time of the first frame */
    int64_t ts0_ns;    /* capture time of the first frame */
    uint64_t count;    /* frames scheduled so far */
    uint64_t bytes;    /* bytes scheduled so far */
    int64_t last_deadline;
};

/*
 * How long before a deadline sleeping stops and spinning starts. It adapts:
 * on a virtual machine a sleep of a few ms can end ms late (the vCPU has to be
 * woken), so the margin follows the worst recent oversleep (x1.25 + 50 us,
 * between 400 us and 5 ms) and decays slowly back when sleeps end on time.
 */
#define MR_SPIN_MIN_NS 400000
#define MR_SPIN_MAX_NS 5000000

struct mr_spin_margin {
    int64_t ns;
};

void mr_spin_margin_init(struct mr_spin_margin *m);
/* A sleep asked to end at `asked` ended at `woke`. */
void mr_spin_margin_observe(struct mr_spin_margin *m, int64_t asked, int64_t woke);

void mr_pacer_init(struct mr_pacer *p, enum mr_pace_mode mode, double value);

/* Sets the anchor: the first frame is due at now_ns. */
void mr_pacer_start(struct mr_pacer *p, int64_t now_ns);

/*
 * The deadline of the next frame (capture time ts_ns, len bytes), relative
 * to the anchor (add anchor_ns for the absolute time). Never earlier than the
 * previous deadline: frames with equal timestamps go back to back. At top
 * speed every deadline is 0.
 */
int64_t mr_pacer_next(struct mr_pacer *p, int64_t ts_ns, size_t len);

int64_t mr_now_ns(void); /* CLOCK_MONOTONIC */
int64_t mr_realtime_ns(void);

/* Sets the calling thread's timer slack to 1 ns so sleeps end on time. */
void mr_pacer_tighten_timer_slack(void);

/* SCHED_FIFO for the calling thread: a waking sender preempts ordinary tasks at
 * once. False (errno set) when not permitted. */
bool mr_pacer_go_realtime(void);

/* Sleeps (clock_nanosleep, absolute) to deadline - margin, then spins to it. */
void mr_wait_until(struct mr_spin_margin *m, int64_t deadline_ns);

/* Spins (no sleep) until deadline. */
void mr_spin_until(int64_t deadline_ns);

#endif
