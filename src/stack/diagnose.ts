/**
 * A likely fix for a service that failed to start or to become healthy, from its last log lines and
 * Compose's own error output. The first matching pattern wins; order is most specific first.
 */
interface Pattern {
  test: RegExp;
  fix: (m: RegExpExecArray, service: string) => string;
}

const PATTERNS: Pattern[] = [
  {
    test: /path (\S+) is mounted on \S+ but it is not a shared or slave mount/,
    fix: (m) => `the host's ${m[1]} mount is private, and node-exporter mounts it with rslave: run \`sudo mount --make-rshared /\` (systemd hosts have this by default)`,
  },
  {
    test: /(?:Bind for [\d.:[\]]+:(\d+) failed: port is already allocated|listen tcp ?[\d.:[\]]*:(\d+): bind: address already in use)/,
    fix: (m) => `port ${m[1] ?? m[2]} is taken by another program: stop it, or regenerate with another --prometheus-port/--alertmanager-port/--grafana-port`,
  },
  {
    test: /could not select device driver "nvidia"|unknown or invalid runtime name: nvidia|nvidia-container-cli/,
    fix: () => 'the NVIDIA Container Toolkit is missing: install it (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html) and restart Docker, or start without the GPU exporter: create-vllm-monitor up --no-gpu',
  },
  {
    test: /(?:error loading config|Error loading config|couldn't load configuration|parsing YAML file|yaml: unmarshal errors)/,
    fix: (_m, s) => `${s}'s configuration does not load: run \`create-vllm-monitor validate\` (promtool/amtool name the line), or regenerate with --force`,
  },
  {
    test: /failed to parse templates: open (\S+)/,
    fix: (m) => `the image lacks ${m[1]}: use the official image, or rebuild the local one with scripts/local-images.sh`,
  },
  {
    test: /(?:open|mkdir) \/(?:prometheus|alertmanager|var\/lib\/grafana)\S*: permission denied/,
    fix: (_m, s) => `${s} cannot write its data volume: remove the volume (create-vllm-monitor down --volumes) so Docker recreates it with the image's ownership`,
  },
  {
    test: /is missing from \.env|required variable (\S+) is missing/,
    fix: () => '.env lacks a secret: run create-vllm-monitor again in this directory to recreate it',
  },
  {
    test: /(?:pull access denied|manifest unknown|not found: manifest|Error response from daemon: (?:Get|Head) "?https?:\/\/)/,
    fix: () => 'the image cannot be pulled: check the network/registry, or point to a mirror with --image NAME=REF when generating',
  },
  {
    test: /exec format error/,
    fix: () => 'the image is for another CPU architecture: use a multi-arch tag or a mirror built for this machine (--image NAME=REF)',
  },
  {
    test: /no such file or directory.*(?:exec|executable)|executable file not found/,
    fix: (_m, s) => `${s}'s image does not contain the program the compose file runs: use the pinned upstream image or one built like it (same ENTRYPOINT)`,
  },
];

export function likelyServiceFix(service: string, text: string): string {
  for (const p of PATTERNS) {
    const m = p.test.exec(text);
    if (m) return p.fix(m, service);
  }
  return `see the full log: docker compose logs ${service} (or docker-compose logs ${service})`;
}
