/**
 * Which XID codes page, which make a ticket, and which are the application's own fault. The classes
 * follow the "Resolution Bucket (Immediate Action)" column of NVIDIA's XID catalogue for Ampere and
 * newer (https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html):
 *   - critical: the GPU itself needs a reset or the machine a restart before work can run on it again
 *     (RESET_GPU, RESTART_BM, and the XID 48 / NVLink workflows, whose text says "A GPU reset or node
 *     reboot is needed").
 *   - application: faults the catalogue puts on the application (RESTART_APP with the CHECK_APP /
 *     WORKFLOW_XID_13/31 investigation, IGNORE for 43, the XID 45 teardown that follows another fault),
 *     the set NVIDIA's k8s-device-plugin also skips because "the GPU should still be healthy"
 *     (13, 31, 43, 45, 68). They do not page: the engine's own alerts (target down, server errors)
 *     already say the process died, and the XID only says why. They stay visible as `info`, which the
 *     stack routes to nobody, so they show next to those alerts in Alertmanager and on the GPU dashboard.
 *   - warning: everything else, among them 63 (a row remap was recorded; the catalogue says IGNORE and
 *     GPURowRemapPending asks for the reset), 92 (high single-bit ECC rate) and 94 (a contained memory
 *     error: restart the one affected application, reset the GPU when convenient), and any code this
 *     table does not know yet.
 * The first list also had 63, 92 and 94 as critical; the catalogue does not ask for an
 * immediate reset on any of them, so they ticket instead.
 */
export const XID_CRITICAL = [46, 48, 62, 64, 74, 79, 95, 109, 110, 119, 120, 136, 140, 143, 144, 145, 146, 147, 148, 149, 150, 158] as const;
export const XID_APPLICATION = [13, 31, 43, 45, 68] as const;

export type XidClass = 'critical' | 'warning' | 'application';

export function xidClass(code: number): XidClass {
  if ((XID_CRITICAL as readonly number[]).includes(code)) return 'critical';
  if ((XID_APPLICATION as readonly number[]).includes(code)) return 'application';
  return 'warning';
}

/** Label matcher value for a set of codes, anchored by PromQL: `xid=~"48|79"`. */
export const xidRegex = (codes: readonly number[]): string => codes.join('|');
