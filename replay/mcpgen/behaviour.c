/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Master requests and device answers (docs/PROTOCOL.md §2). */
#include "behaviour.h"

#include "mcp/frame.h"
#include "mcp/pdu.h"

/* Register contents are a fixed function of device and address, like a real map. */
static uint16_t register_value(uint8_t unit, uint32_t addr)
{
    return (uint16_t)(addr * 0x9E37u ^ (uint32_t)unit * 0x0101u);
}

static uint16_t small_count(struct rng *rng)
{
    /* Mostly a few registers, now and then a long block. */
    return (uint16_t)(rng_chance(rng, 0.05) ? rng_range(rng, 17, MCP_MAX_REGISTERS)
                                            : rng_range(rng, 1, 8));
}

size_t behaviour_request(const struct gen_options *opt, struct rng *rng, enum gen_mix kind,
                         uint8_t unit, int max_unit, uint8_t *cmd, uint8_t *out)
{
    const size_t cap = BEHAVIOUR_MAX_PAYLOAD;
    uint16_t values[MCP_MAX_REGISTERS];
    uint16_t addr = (uint16_t)rng_below(rng, 0x1000);
    uint16_t count = small_count(rng);
    /* A request the device must refuse: 0 unknown device, 1 bad count, 2 range past 0xFFFF. */
    int bad = rng_chance(rng, opt->bad_request) ? (int)rng_below(rng, 3) : -1;
    if (bad == 0 && unit != 0xFF)
        unit = (uint8_t)(max_unit + 1 + (int)rng_below(rng, 50)); /* nobody has that id */
    if (bad == 2)
        addr = (uint16_t)(0x10000 - rng_range(rng, 1, count));

    switch (kind) {
    case MIX_HEARTBEAT:
        *cmd = MCP_CMD_HEARTBEAT;
        return mcp_build_heartbeat(rng_chance(rng, 0.5), (uint32_t)rng_next(rng), out, cap);
    case MIX_READ:
        *cmd = MCP_CMD_READ;
        if (bad == 1)
            count = rng_chance(rng, 0.5) ? 0 : (uint16_t)rng_range(rng, 126, 400);
        return mcp_build_read(unit, addr, count, out, cap);
    case MIX_WRITE_ALL:
        unit = 0xFF;
        /* fall through */
    case MIX_WRITE:
        *cmd = MCP_CMD_WRITE;
        for (uint16_t i = 0; i < count; i++)
            values[i] = (uint16_t)rng_next(rng);
        if (bad == 1 && unit != 0xFF)
            return mcp_build_write(unit, addr, 0, values, out, cap);
        return mcp_build_write(unit, addr, count, values, out, cap);
    case MIX_UNKNOWN:
    default: {
        /* Any cmd with bit 7 clear that §2 does not define. */
        *cmd = (uint8_t)rng_range(rng, 0x07, 0x7F);
        size_t n = rng_below(rng, 9);
        for (size_t i = 0; i < n; i++)
            out[i] = (uint8_t)rng_next(rng);
        return n;
    }
    }
}

size_t behaviour_event(struct rng *rng, uint8_t unit, bool big, uint64_t t_ns, uint8_t *out)
{
    uint8_t data[MCP_MAX_PAYLOAD];
    size_t n = big ? MCP_MAX_PAYLOAD - 6 : rng_below(rng, 9);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)rng_next(rng);
    uint8_t code = (uint8_t)(rng_chance(rng, 0.9) ? rng_range(rng, 1, 4) : rng_range(rng, 5, 255));
    return mcp_build_event(unit, code, (uint32_t)(t_ns / 1000000), data, n, out,
                           BEHAVIOUR_MAX_PAYLOAD);
}

size_t behaviour_answer(const struct gen_options *opt, struct rng *rng, uint8_t req_cmd,
                        const uint8_t *req, size_t len, uint8_t req_seq, uint8_t served,
                        uint8_t *rsp_cmd, uint8_t *out)
{
    const size_t cap = BEHAVIOUR_MAX_PAYLOAD;
    *rsp_cmd = (uint8_t)(req_cmd | MCP_RESPONSE_FLAG);
    struct mcp_pdu pdu;
    bool well_formed = mcp_pdu_parse(req_cmd, req, len, &pdu);
    uint8_t status = MCP_STATUS_OK;
    if (!pdu.known) {
        status = MCP_STATUS_UNSUPPORTED_COMMAND;
    } else if (req_cmd == MCP_CMD_READ || req_cmd == MCP_CMD_WRITE) {
        bool known = served != 0 ? pdu.device == served : opt->device_present[pdu.device];
        if (!pdu.has_register_block || !known)
            status = MCP_STATUS_UNKNOWN_DEVICE;
        else if (pdu.count == 0 || pdu.count > MCP_MAX_REGISTERS || !well_formed)
            status = MCP_STATUS_ILLEGAL_VALUE;
        else if ((uint32_t)pdu.addr + pdu.count > 0x10000)
            status = MCP_STATUS_ILLEGAL_ADDRESS;
    }
    if (status == MCP_STATUS_OK && rng_chance(rng, opt->busy))
        status = rng_chance(rng, 0.75) ? MCP_STATUS_DEVICE_BUSY : MCP_STATUS_DEVICE_FAILURE;
    if (status != MCP_STATUS_OK || req_cmd == MCP_CMD_HEARTBEAT)
        return mcp_build_status_response(req_seq, status, out, cap);
    if (req_cmd == MCP_CMD_READ) {
        uint16_t values[MCP_MAX_REGISTERS];
        for (uint16_t i = 0; i < pdu.count; i++)
            values[i] = register_value(pdu.device, (uint32_t)pdu.addr + i);
        return mcp_build_read_response_ok(req_seq, pdu.device, pdu.addr, pdu.count, values, out,
                                          cap);
    }
    return mcp_build_write_response_ok(req_seq, pdu.device, pdu.addr, pdu.count, out, cap);
}
