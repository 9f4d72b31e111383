/** The stack's images (as its docker-compose.yml names them) against their upstream support windows. */
import { DEFAULT_IMAGES } from '../config/defaults.js';
import { componentOfImage, SUPPORT_POLICIES } from '../config/support-windows.js';
import type { StackDir } from '../stack/stack-dir.js';
import { type Finding, ok, warn } from './finding.js';

export function imageChecks(stack: StackDir, today: Date): Finding[] {
  const out: Finding[] = [];
  for (const svc of Object.values(stack.services)) {
    const component = componentOfImage(svc.image, DEFAULT_IMAGES);
    const policy = component && SUPPORT_POLICIES[component];
    if (!policy) continue;
    const check = `image ${svc.name}`;
    const version = /:v?(\d+\.\d+)/.exec(svc.image)?.[1];
    const window = version && policy.windows.find((w) => w.version === version);
    if (!window) {
      out.push(ok(check, `${svc.image}: no published end of support (${policy.otherwise}; ${policy.source})`));
    } else if (new Date(`${window.until}T23:59:59Z`) < today) {
      out.push(warn(check, `${svc.image}: upstream support ended ${window.until} (${policy.source})`, `pin a supported release: create-vllm-monitor ${stack.dir} --image ${component}=<newer tag>, then up`));
    } else {
      out.push(ok(check, `${svc.image}: supported until ${window.until} (${policy.source})`));
    }
  }
  return out;
}
