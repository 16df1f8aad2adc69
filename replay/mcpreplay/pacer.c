/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines and waiting. */
#include "pacer.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

void mr_pacer_init(struct mr_pacer *p, enum mr_pace_mode mode, double value)
{
    *p = (struct mr_pacer){.mode = mode, .speed = 1.0};
    switch (mode) {
    case MR_PACE_CAPTURE:
        p->speed = value > 0 ? value : 1.0;
        break;
    case MR_PACE_PPS:
        p->pps = value;
        break;
    case MR_PACE_MBPS:
        p->mbps = value;
        break;
    case MR_PACE_TOP:
        break;
    }
}

void mr_pacer_start(struct mr_pacer *p, int64_t now_ns)
{
    p->anchor_ns = now_ns;
}

/* A schedule offset in ns as int64: a value past 2^62 ns (146 years: a capture of decades at a
 * slow --speed) is clamped there, so adding the clock's anchor cannot overflow either; never
 * undefined behaviour (h19 #17). */
#define DUE_MAX_NS ((int64_t)1 << 62)

static int64_t saturate(double ns)
{
    if (ns != ns || ns < 0)
        return 0;
    return ns >= (double)DUE_MAX_NS ? DUE_MAX_NS : (int64_t)ns;
}

int64_t mr_pacer_next(struct mr_pacer *p, int64_t ts_ns, size_t len)
{
    int64_t due = 0;
    if (!p->started) {
        p->started = true;
        p->ts0_ns = ts_ns;
    }
    switch (p->mode) {
    case MR_PACE_CAPTURE:
        due = saturate((double)(ts_ns - p->ts0_ns) / p->speed);
        break;
    case MR_PACE_PPS:
        due = saturate((double)p->count * 1e9 / p->pps);
        break;
    case MR_PACE_MBPS:
        /* bits / (mbps * 1e6) seconds = bits * 1000 / mbps ns */
        due = saturate((double)p->bytes * 8.0 * 1000.0 / p->mbps);
        break;
    case MR_PACE_TOP:
        due = 0;
        break;
    }
    if (due < p->last_deadline)
        due = p->last_deadline;
    p->last_deadline = due;
    p->count++;
    p->bytes += len;
    return due;
}

int64_t mr_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mr_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void mr_pacer_tighten_timer_slack(void)
{
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
}

bool mr_pacer_go_realtime(void)
{
    struct sched_param sp = {.sched_priority = 10};
    return sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
}

void mr_spin_until(int64_t deadline_ns)
{
    while (mr_now_ns() < deadline_ns)
        ;
}

void mr_spin_margin_init(struct mr_spin_margin *m)
{
    m->ns = MR_SPIN_MIN_NS;
}

void mr_spin_margin_observe(struct mr_spin_margin *m, int64_t asked, int64_t woke)
{
    int64_t over = woke - asked;
    if (over + 50000 > m->ns) {
        m->ns = over + over / 4 + 50000;
        if (m->ns > MR_SPIN_MAX_NS)
            m->ns = MR_SPIN_MAX_NS;
    } else {
        m->ns -= (m->ns - MR_SPIN_MIN_NS) / 64; /* drifts back over a few hundred sleeps */
    }
}

void mr_wait_until(struct mr_spin_margin *m, int64_t deadline_ns)
{
    int64_t wake = deadline_ns - m->ns;
    if (mr_now_ns() < wake) {
        struct timespec ts = {.tv_sec = wake / 1000000000, .tv_nsec = wake % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
            ;
        mr_spin_margin_observe(m, wake, mr_now_ns());
    }
    mr_spin_until(deadline_ns);
}
