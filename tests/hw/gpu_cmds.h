/* SPDX-License-Identifier: MIT */
/*
 * Minimal GPU command encodings used by xe_autoreset.
 *
 * Only three MI (Memory Interface) commands are needed; they are executed
 * from a batch buffer on a render or compute engine through the public
 * DRM_IOCTL_XE_EXEC uAPI. MI commands are understood by every command
 * streamer from Gen8 through Xe2/Xe3.
 *
 * Sources for every encoding below:
 *  - Intel Graphics Programmer's Reference Manual, "Command Reference:
 *    Instructions" volume, pages MI_NOOP, MI_BATCH_BUFFER_END,
 *    MI_STORE_DATA_IMM and MI_SEMAPHORE_WAIT.
 *  - The xe kernel driver's instruction headers in the patched tree:
 *      drivers/gpu/drm/xe/instructions/xe_instr_defs.h
 *        XE_INSTR_CMD_TYPE = bits 31:29, XE_INSTR_MI = type 0x0
 *        XE_INSTR_NUM_DW(x) = (x) - 2 in the length field (bits 7:0)
 *      drivers/gpu/drm/xe/instructions/xe_mi_commands.h
 *        MI_OPCODE = bits 28:23, __MI_INSTR(op) = XE_INSTR_MI | op << 23
 *        MI_NOOP              __MI_INSTR(0x0)
 *        MI_BATCH_BUFFER_END  __MI_INSTR(0xA)
 *        MI_SEMAPHORE_WAIT    __MI_INSTR(0x1c) | XE_INSTR_NUM_DW(5)
 *          MI_SEMW_POLL       bit 15
 *          COMPARE_OP_SAD_EQ_SDD = 4 in bits 14:12
 *        MI_STORE_DATA_IMM    __MI_INSTR(0x20)
 *          MI_SDI_NUM_DW(x)   length = (x) + 3 - 2 in bits 9:0
 *          MI_SDI_GGTT        bit 22 (left clear: address is PPGTT/VM)
 *
 * Nothing here is copied from those files; the values are re-derived from
 * the field definitions listed above.
 */
#ifndef GPU_CMDS_H
#define GPU_CMDS_H

#include <stdint.h>

/* Bits 31:29 = 0 (MI command type), opcode in bits 28:23. */
#define GPU_MI_INSTR(opcode)		((uint32_t)(opcode) << 23)

/* MI_NOOP, opcode 0x00: single dword, used as padding. */
#define GPU_MI_NOOP			GPU_MI_INSTR(0x00)

/* MI_BATCH_BUFFER_END, opcode 0x0A: single dword, ends the batch. */
#define GPU_MI_BATCH_BUFFER_END		GPU_MI_INSTR(0x0A)	/* 0x05000000 */

/*
 * MI_STORE_DATA_IMM, opcode 0x20, writing one dword to a PPGTT address:
 *   dw0: header, length field = 4 total dwords - 2 = 2
 *   dw1: address bits 31:2 (dword aligned)
 *   dw2: address bits 63:32
 *   dw3: immediate data
 */
#define GPU_MI_STORE_DATA_IMM_1DW	(GPU_MI_INSTR(0x20) | 2) /* 0x10000002 */
#define GPU_SDI_DWORDS			4

/*
 * MI_SEMAPHORE_WAIT, opcode 0x1C, polling mode, "semaphore address data ==
 * semaphore data dword" compare:
 *   dw0: header | POLL (bit 15) | COMPARE_OP SAD_EQ_SDD (4 << 12),
 *        length field = 5 total dwords - 2 = 3
 *   dw1: semaphore data dword (value to compare against)
 *   dw2: semaphore address bits 31:2
 *   dw3: semaphore address bits 63:32
 *   dw4: wait token (unused, 0)
 */
#define GPU_MI_SEMAPHORE_WAIT		(GPU_MI_INSTR(0x1C) | 3) /* 0x0e000003 */
#define GPU_MI_SEMW_POLL		(1u << 15)
#define GPU_MI_SEMW_SAD_EQ_SDD		(4u << 12)
#define GPU_SEMW_DWORDS			5

#endif /* GPU_CMDS_H */
