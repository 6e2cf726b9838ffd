import { cli, labUnsupported } from '../test/helpers/lab.js';

/**
 * `lab up` and `lab down` (the real CLI, wall time including Node start-up), 10 cycles of a healthy lab.
 * Targets (issue 3): up under 3 s, down under 1 s. Also the median of up's own phases, from `-o json`.
 */
const CYCLES = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
}

export default async function bench(): Promise<string> {
  const head = `## lab\n\n\`lab up\` / \`lab down\` of a healthy lab through the CLI, ${CYCLES} cycles (wall time, Node start-up included).\n`;
  const skip = labUnsupported();
  if (skip) return `${head}Skipped: ${skip}.\n`;
  const name = 'bench';
  const up: number[] = [];
  const down: number[] = [];
  const phases: Record<string, number[]> = {};
  try {
    for (let i = 0; i < CYCLES; i++) {
      const u = await cli(['lab', 'up', '--name', name, '-o', 'json'], { timeoutMs: 60_000 });
      if (u.code !== 0) throw new Error(`lab up failed: ${u.stderr}`);
      up.push(u.ms);
      const timings = (JSON.parse(u.stdout) as { timingsMs: Record<string, number> }).timingsMs;
      let prev = 0;
      for (const [k, v] of Object.entries(timings)) {
        phases[k] = [...(phases[k] ?? []), v - prev];
        prev = v;
      }
      const d = await cli(['lab', 'down', '--name', name], { timeoutMs: 30_000 });
      if (d.code !== 0) throw new Error(`lab down failed: ${d.stderr}`);
      down.push(d.ms);
    }
  } finally {
    await cli(['lab', 'down', '--name', name], { timeoutMs: 30_000 });
  }
  const row = (label: string, xs: number[], target: number) =>
    `| ${label} | ${median(xs)} ms | ${Math.min(...xs)} ms | ${Math.max(...xs)} ms | < ${target} ms | ${median(xs) < target ? 'yes' : 'no'} |`;
  return [
    head,
    '| command | median | min | max | target | met |',
    '|---|---|---|---|---|---|',
    row('`lab up`', up, 3000),
    row('`lab down`', down, 1000),
    '',
    `Phases of \`lab up\` (median, ms): ${Object.entries(phases)
      .map(([k, v]) => `${k} ${median(v)}`)
      .join(
        ', ',
      )} (down = removing a previous lab; network = namespaces, links, netfilter, TLS and API credentials; spawn = processes; ready = every socket listening and the LB's first health verdicts).`,
    '',
  ].join('\n');
}
