/** Docker Engine and Compose: present, and new enough for what the generated Compose file uses. */
import type Docker from 'dockerode';
import { findCompose } from '../stack/compose-cli.js';
import { engineFacts } from '../stack/docker.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** `extra_hosts: host.docker.internal:host-gateway` needs Docker Engine 20.10. */
const MIN_ENGINE = [20, 10];

const older = (version: string, min: number[]) => {
  const [a = 0, b = 0] = version.split('.').map((n) => parseInt(n, 10));
  return a < min[0]! || (a === min[0]! && b < min[1]!);
};

export async function dockerChecks(docker: Docker, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const out: Finding[] = [];
  try {
    const facts = await engineFacts(docker);
    out.push(older(facts.serverVersion, MIN_ENGINE)
      ? fail('docker', `Docker Engine ${facts.serverVersion}: host.docker.internal:host-gateway needs 20.10 or newer`, 'upgrade Docker Engine (https://docs.docker.com/engine/install/)')
      : ok('docker', `Docker Engine ${facts.serverVersion}`));
  } catch (err) {
    out.push(fail('docker', `Docker Engine not reachable (${(err as Error).message.split('\n')[0]})`, 'start dockerd (sudo systemctl start docker) or Docker Desktop, and make sure you may use it (the docker group)'));
  }
  try {
    const compose = await findCompose(env);
    out.push(compose.major === 1
      ? warn('compose', `docker-compose ${compose.version} (Compose v1, end of life since July 2023; no up --wait)`, 'install the Compose v2 plugin: apt-get install docker-compose-plugin (or Docker Desktop)')
      : ok('compose', `Docker Compose ${compose.version}`));
  } catch (err) {
    out.push(fail('compose', (err as Error).message, 'install the Compose plugin: apt-get install docker-compose-plugin'));
  }
  return out;
}
