/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a read or write command sends: its steps (READs or WRITEs) and the
 * typed values they carry (options.h: struct mp_step, struct mp_item).
 *
 * - read/write DEVICE ADDR ...: one step, the registers as given;
 * - with --type T --order O (no map): COUNT values of T from ADDR, one READ;
 *   write encodes each VALUE as T (docs/REGISTER-MAP.md §2, range-checked);
 * - with --map: read DEVICE NAME... | all, write DEVICE NAME=VALUE...: the
 *   items by name. A READ covers a run of items whose registers follow each
 *   other without a gap, at most 125 registers (PROTOCOL.md §2); between two
 *   items asked for it may take in items not asked for, if they are readable
 *   (access r or rw), never a register no item covers: with a map, a device
 *   has only the registers its items cover (REGISTER-MAP.md §4). A WRITE
 *   covers items whose registers follow each other. An item whose access does
 *   not allow the command is refused (read all leaves out write-only items,
 *   with a note); a value out of the item's range is refused naming the range.
 *
 * Everything here runs before anything is sent; errors are exit code 2.
 */
#ifndef MP_PLAN_H
#define MP_PLAN_H

#include <glib.h>

#include "options.h"

/* Fills o->steps and o->items for read/write (nothing for other commands); o->map is loaded. */
bool mp_plan_build(struct mp_options *o, GError **error);

#endif
