/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Register store and request serving of the simulated devices (docs/PROTOCOL.md §2). */
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

void sim_devices_init(struct sim_devices *devs, const bool present[256])
{
    memset(devs, 0, sizeof *devs);
    for (unsigned id = 0; id < 256; id++) {
        if (present[id] && id != MCP_BROADCAST_DEVICE)
            devs->regs[id] = g_new0(uint16_t, SIM_REGISTER_COUNT);
    }
}

void sim_devices_free(struct sim_devices *devs)
{
    for (unsigned id = 0; id < 256; id++) {
        g_free(devs->regs[id]);
        devs->regs[id] = NULL;
    }
}

/* splitmix64: a tiny, well-mixed generator so a seed always gives the same registers. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void sim_devices_seed(struct sim_devices *devs, uint64_t seed)
{
    uint64_t state = seed;
    for (unsigned id = 0; id < 256; id++) {
        if (devs->regs[id] == NULL)
            continue;
        for (size_t i = 0; i < SIM_REGISTER_COUNT; i += 4) {
            uint64_t r = splitmix64(&state);
            for (size_t k = 0; k < 4; k++)
                devs->regs[id][i + k] = (uint16_t)(r >> (16 * k));
        }
    }
}

static bool parse_number(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-' || text[0] == '+')
        return false;
    unsigned long v = strtoul(text, &end, 0);
    if (errno != 0 || *end != '\0' || end == text || v > max)
        return false;
    *out = v;
    return true;
}

static bool load_line(struct sim_devices *const *sets, size_t nsets, char *line, const char **why)
{
    char *hash = strchr(line, '#');
    if (hash != NULL)
        *hash = '\0';
    char *save = NULL;
    char *tok = strtok_r(line, " \t\r\n", &save);
    if (tok == NULL)
        return true; /* blank or comment */
    unsigned long device, addr, value;
    if (!parse_number(tok, 255, &device)) {
        *why = "device must be a number 0..254";
        return false;
    }
    bool held = false;
    for (size_t i = 0; i < nsets && device != MCP_BROADCAST_DEVICE; i++)
        held |= sets[i]->regs[device] != NULL;
    if (!held) {
        *why = "device is not simulated (see --devices and the listeners' devices=)";
        return false;
    }
    tok = strtok_r(NULL, " \t\r\n", &save);
    if (tok == NULL || !parse_number(tok, 0xFFFF, &addr)) {
        *why = "address must be a number 0..0xFFFF";
        return false;
    }
    size_t n = 0;
    while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
        if (!parse_number(tok, 0xFFFF, &value)) {
            *why = "value must be a number 0..0xFFFF";
            return false;
        }
        if (addr + n > 0xFFFF) {
            *why = "values run past register 0xFFFF";
            return false;
        }
        for (size_t i = 0; i < nsets; i++)
            if (sets[i]->regs[device] != NULL)
                sets[i]->regs[device][addr + n] = (uint16_t)value;
        n++;
    }
    if (n == 0) {
        *why = "expected DEVICE ADDR VALUE [VALUE...]";
        return false;
    }
    return true;
}

bool sim_devices_load(struct sim_devices *devs, const char *path, char *err, size_t err_len)
{
    return sim_devices_load_all(&devs, 1, path, err, err_len);
}

bool sim_devices_load_all(struct sim_devices *const *sets, size_t nsets, const char *path,
                          char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "cannot open register file '%s': %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool ok = true;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        const char *why = NULL;
        if (!load_line(sets, nsets, line, &why)) {
            snprintf(err, err_len, "%s:%u: %s", path, lineno, why);
            ok = false;
            break;
        }
    }
    if (ok && ferror(f)) {
        snprintf(err, err_len, "cannot read register file '%s'", path);
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}

enum mcp_status sim_register_status(const struct sim_devices *devs, uint8_t device, uint16_t addr,
                                    uint16_t count)
{
    if (!sim_device_exists(devs, device))
        return MCP_STATUS_UNKNOWN_DEVICE;
    if (count == 0 || count > MCP_MAX_REGISTERS)
        return MCP_STATUS_ILLEGAL_VALUE;
    if ((uint32_t)addr + count > SIM_REGISTER_COUNT)
        return MCP_STATUS_ILLEGAL_ADDRESS;
    return MCP_STATUS_OK;
}

static void status_only(struct sim_answer *ans, uint8_t cmd, uint8_t seq, uint8_t status)
{
    ans->answer = true;
    ans->cmd = (uint8_t)(cmd | MCP_RESPONSE_FLAG);
    ans->len = mcp_build_status_response(seq, status, ans->payload, sizeof ans->payload);
}

static void write_values(uint16_t *regs, const struct mcp_pdu *pdu, const uint8_t *payload)
{
    for (size_t i = 0; i < pdu->count; i++)
        regs[pdu->addr + i] = mcp_pdu_value(payload, pdu, i);
}

/* Broadcast: every device acts (a READ has no effect), nobody answers. */
static void serve_broadcast(struct sim_devices *devs, const struct mcp_pdu *pdu,
                            const uint8_t *payload, enum mcp_status fault)
{
    if (fault != MCP_STATUS_OK || pdu->cmd != MCP_CMD_WRITE)
        return;
    for (unsigned id = 0; id < 256; id++) {
        if (devs->regs[id] != NULL &&
            sim_register_status(devs, (uint8_t)id, pdu->addr, pdu->count) == MCP_STATUS_OK)
            write_values(devs->regs[id], pdu, payload);
    }
}

static void serve_registers(struct sim_devices *devs, uint8_t seq, const struct mcp_pdu *pdu,
                            const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans)
{
    enum mcp_status st = sim_register_status(devs, pdu->device, pdu->addr, pdu->count);
    if (st == MCP_STATUS_OK)
        st = fault;
    if (st != MCP_STATUS_OK) {
        status_only(ans, pdu->cmd, seq, (uint8_t)st);
        return;
    }
    uint16_t *regs = devs->regs[pdu->device];
    ans->answer = true;
    ans->cmd = (uint8_t)(pdu->cmd | MCP_RESPONSE_FLAG);
    if (pdu->cmd == MCP_CMD_READ) {
        ans->len = mcp_build_read_response_ok(seq, pdu->device, pdu->addr, pdu->count,
                                              regs + pdu->addr, ans->payload, sizeof ans->payload);
    } else {
        write_values(regs, pdu, payload);
        ans->len = mcp_build_write_response_ok(seq, pdu->device, pdu->addr, pdu->count,
                                               ans->payload, sizeof ans->payload);
    }
}

void sim_devices_serve(struct sim_devices *devs, uint8_t seq, const struct mcp_pdu *pdu,
                       const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans)
{
    ans->answer = false;
    ans->len = 0;
    switch (pdu->cmd) {
    case MCP_CMD_HEARTBEAT:
        status_only(ans, pdu->cmd, seq, (uint8_t)fault);
        return;
    case MCP_CMD_READ:
    case MCP_CMD_WRITE:
        if (pdu->device == MCP_BROADCAST_DEVICE)
            serve_broadcast(devs, pdu, payload, fault);
        else
            serve_registers(devs, seq, pdu, payload, fault, ans);
        return;
    default:
        if (mcp_cmd_is_request(pdu->cmd))
            status_only(ans, pdu->cmd, seq, MCP_STATUS_UNSUPPORTED_COMMAND);
        return;
    }
}
