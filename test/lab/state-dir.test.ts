import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { inspectStateDir, LAB_MARKER } from '../../src/lab/state.js';
import { captureIO } from '../helpers/io.js';
import { cli, labName, labUnsupported } from '../helpers/lab.js';

const roots: string[] = [];
async function root(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idl-state-'));
  roots.push(dir);
  return dir;
}
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

describe('inspectStateDir: only a directory the lab marked as its own is a lab', () => {
  it('tells absent, empty, marked, legacy, foreign, symlink and other-lab directories apart', async () => {
    const r = await root();
    assert.deepEqual(await inspectStateDir(path.join(r, 'none'), 'none'), { kind: 'absent' });
    await mkdir(path.join(r, 'empty'));
    assert.deepEqual(await inspectStateDir(path.join(r, 'empty'), 'empty'), { kind: 'empty' });

    const marked = path.join(r, 'marked');
    await mkdir(marked);
    await writeFile(
      path.join(marked, LAB_MARKER),
      JSON.stringify({ kind: 'IngressDoctorLab', name: 'marked', stateDir: marked }),
    );
    await writeFile(path.join(marked, 'state.json'), '{}');
    assert.deepEqual(await inspectStateDir(marked, 'marked'), { kind: 'lab', legacy: false });
    const other = await inspectStateDir(marked, 'other');
    assert.equal(other.kind, 'foreign');
    assert.match((other as { reason: string }).reason, /belongs to lab "marked", not "other"/);

    const legacy = path.join(r, 'legacy');
    await mkdir(legacy);
    await writeFile(
      path.join(legacy, 'state.json'),
      JSON.stringify({ version: 1, name: 'legacy', stateDir: legacy }),
    );
    assert.deepEqual(await inspectStateDir(legacy, 'legacy'), { kind: 'lab', legacy: true });
    // A state file that names another directory is not a marker.
    const moved = path.join(r, 'moved');
    await mkdir(moved);
    await writeFile(
      path.join(moved, 'state.json'),
      JSON.stringify({ version: 1, name: 'moved', stateDir: '/x' }),
    );
    assert.equal((await inspectStateDir(moved, 'moved')).kind, 'foreign');

    const home = path.join(r, 'home');
    await mkdir(home);
    await writeFile(path.join(home, 'notes.txt'), 'precious');
    const foreign = await inspectStateDir(home, 'home');
    assert.equal(foreign.kind, 'foreign');
    assert.match((foreign as { reason: string }).reason, /no \.ingress-doctor-lab marker and holds 1 entry/);

    await symlink(marked, path.join(r, 'link'));
    assert.deepEqual(await inspectStateDir(path.join(r, 'link'), 'link'), {
      kind: 'foreign',
      reason: 'is a symbolic link',
    });
    await writeFile(path.join(r, 'file'), 'x');
    assert.deepEqual(await inspectStateDir(path.join(r, 'file'), 'file'), {
      kind: 'foreign',
      reason: 'is not a directory',
    });
  });
});

describe('lab up/down never delete a directory that is not a lab', { skip: labUnsupported() }, () => {
  it('INGRESS_DOCTOR_LAB_DIR=$HOME lab down keeps ~/default and exits 2', async () => {
    const home = await root();
    await mkdir(path.join(home, 'default', 'projects'), { recursive: true });
    await writeFile(path.join(home, 'default', 'projects', 'thesis.tex'), 'years of work');
    const io = captureIO('', { INGRESS_DOCTOR_LAB_DIR: home, PATH: process.env.PATH });
    assert.equal(await main(['lab', 'down'], io), 2);
    assert.match(
      io.err(),
      /default is not a lab's state directory .*refusing to remove it, nothing was deleted/,
    );
    assert.match(io.err(), /INGRESS_DOCTOR_LAB_DIR/);
    assert.equal(
      await readFile(path.join(home, 'default', 'projects', 'thesis.tex'), 'utf8'),
      'years of work',
    );
  });

  it('lab up on a foreign directory refuses before building anything', async () => {
    const home = await root();
    const name = labName('sdfor');
    await mkdir(path.join(home, name));
    await writeFile(path.join(home, name, 'keep.txt'), 'mine');
    const io = captureIO('', { INGRESS_DOCTOR_LAB_DIR: home, PATH: process.env.PATH });
    assert.equal(await main(['lab', 'up', '--name', name], io), 2);
    assert.match(io.err(), /refusing to build a lab in it/);
    assert.deepEqual(await readdir(path.join(home, name)), ['keep.txt']);
    const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) =>
      n.startsWith(`idl-${name}-`),
    );
    assert.deepEqual(netns, [], 'no namespace was created');
  });

  it('a directory marked for another lab name is refused, an empty one is removed', async () => {
    const home = await root();
    const name = labName('sdoth');
    await mkdir(path.join(home, name));
    await writeFile(
      path.join(home, name, LAB_MARKER),
      JSON.stringify({ kind: 'IngressDoctorLab', name: 'someone', stateDir: path.join(home, name) }),
    );
    const io = captureIO('', { INGRESS_DOCTOR_LAB_DIR: home, PATH: process.env.PATH });
    assert.equal(await main(['lab', 'down', '--name', name], io), 2);
    assert.ok(existsSync(path.join(home, name, LAB_MARKER)));

    const empty = labName('sdemp');
    await mkdir(path.join(home, empty));
    const io2 = captureIO('', { INGRESS_DOCTOR_LAB_DIR: home, PATH: process.env.PATH });
    assert.equal(await main(['lab', 'down', '--name', empty], io2), 0, io2.err());
    assert.match(io2.out(), /was not up/);
    assert.equal(existsSync(path.join(home, empty)), false);
  });
});

test(
  'a lab marks its state directory and lab down removes exactly it',
  { skip: labUnsupported() },
  async () => {
    const home = await root();
    const name = labName('sdown');
    await writeFile(path.join(home, 'neighbour.txt'), 'stays');
    const env = { ...process.env, INGRESS_DOCTOR_LAB_DIR: home };
    try {
      const up = await cli(['lab', 'up', '--name', name, '-o', 'json'], { env, timeoutMs: 60_000 });
      assert.equal(up.code, 0, up.stderr);
      const marker = JSON.parse(await readFile(path.join(home, name, LAB_MARKER), 'utf8')) as {
        kind: string;
        name: string;
      };
      assert.deepEqual([marker.kind, marker.name], ['IngressDoctorLab', name]);
      const down = await cli(['lab', 'down', '--name', name], { env, timeoutMs: 30_000 });
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, new RegExp(`lab "${name}" removed`));
      assert.deepEqual(await readdir(home), ['neighbour.txt']);
    } finally {
      await cli(['lab', 'down', '--name', name], { env, timeoutMs: 30_000 });
    }
  },
);
