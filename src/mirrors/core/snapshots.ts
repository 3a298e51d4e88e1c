/**
 * Snapshot storage. A snapshot is a `serialize()` image of the session database, stamped
 * (in the image's `_mirra_meta` and in its info) with the mirror name and version.
 * Ephemeral instances keep images in memory; persistent ones write
 * `<dir>/snapshots/<id>.sqlite` + `<id>.json` so they survive a restart.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotInfo } from './host-types.js';

export interface SnapshotStore {
  save(info: SnapshotInfo, image: Buffer): void;
  load(id: string): { info: SnapshotInfo; image: Buffer } | undefined;
  list(): SnapshotInfo[];
  clear(): void;
}

export function memorySnapshotStore(): SnapshotStore {
  const items = new Map<string, { info: SnapshotInfo; image: Buffer }>();
  return {
    save(info, image) {
      items.set(info.snapshotId, { info, image });
    },
    load(id) {
      return items.get(id);
    },
    list() {
      return [...items.values()].map((s) => s.info);
    },
    clear() {
      items.clear();
    },
  };
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

export function fileSnapshotStore(dir: string): SnapshotStore {
  const ensure = () => mkdirSync(dir, { recursive: true });
  return {
    save(info, image) {
      ensure();
      writeFileSync(join(dir, `${info.snapshotId}.sqlite`), image);
      writeFileSync(join(dir, `${info.snapshotId}.json`), JSON.stringify(info, null, 2));
    },
    load(id) {
      if (!SAFE_ID.test(id)) return undefined;
      const infoPath = join(dir, `${id}.json`);
      const imagePath = join(dir, `${id}.sqlite`);
      if (!existsSync(infoPath) || !existsSync(imagePath)) return undefined;
      return { info: JSON.parse(readFileSync(infoPath, 'utf8')) as SnapshotInfo, image: readFileSync(imagePath) };
    },
    list() {
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SnapshotInfo)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.snapshotId.localeCompare(b.snapshotId));
    },
    clear() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
