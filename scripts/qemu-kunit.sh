#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-kunit.sh O LOG [EXTRA_CMDLINE]: boot O/arch/x86/boot/bzImage in QEMU
# and save the serial console to LOG. TCG is forced: KVM hangs on the
# machines this runs on. KUnit runs at boot and powers the guest off.
# QEMU_ARGS: more QEMU options (make bench's -icount view).
set -euo pipefail
o=$1
log=$2
extra=${3:-}
kernel=$o/arch/x86/boot/bzImage
[ -f "$kernel" ] || { echo "qemu-kunit: no $kernel" >&2; exit 1; }
bios=()
[ -f /usr/share/qemu/qboot.rom ] && bios=(-bios qboot.rom)
read -r -a qargs <<< "${QEMU_ARGS:-}"
initrd=()
[ -n "${INITRD:-}" ] && initrd=(-initrd "$INITRD")
# KUNIT_SHUTDOWN= (empty) lets the kernel go on to run /init after KUnit.
shutdown=${KUNIT_SHUTDOWN-poweroff}
[ -n "$shutdown" ] && shutdown="kunit_shutdown=$shutdown"
timeout --foreground "${QEMU_TIMEOUT:-1200}" \
	qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "${QEMU_MEM:-2048}" \
	-nodefaults -display none -no-reboot "${bios[@]}" "${qargs[@]}" \
	-serial "file:$log" -kernel "$kernel" "${initrd[@]}" \
	-append "console=ttyS0 $shutdown panic=-1 oops=panic $extra" \
	</dev/null >/dev/null 2>&1 || {
	rc=$?
	echo "qemu-kunit: QEMU exited with $rc (124: timeout)" >&2
	exit 1
}
