/** The little semver the engine needs: parse, compare, ranges for seeds, snapshot compatibility. */

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(v: string): Semver | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * Snapshot/state compatibility: same major and minor. A patch release never changes the
 * database layout; a minor or major one may.
 */
export function compatibleVersions(a: string, b: string): boolean {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) return a === b;
  return pa.major === pb.major && pa.minor === pb.minor;
}

function satisfiesComparator(v: Semver, comp: string): boolean {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/.exec(comp);
  if (!m) return false;
  const op = m[1] ?? '';
  const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
  const major = wild(m[2]) ? undefined : Number(m[2]);
  const minor = wild(m[3]) ? undefined : Number(m[3]);
  const patch = wild(m[4]) ? undefined : Number(m[4]);
  const base: Semver = { major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0 };
  const cmp = compareSemver(v, base);
  switch (op) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    case '^':
      if (cmp < 0) return false;
      if (base.major > 0 || major === undefined) return v.major === base.major;
      if (base.minor > 0 || minor === undefined) return v.major === 0 && v.minor === base.minor;
      return v.major === 0 && v.minor === 0 && v.patch === base.patch;
    case '~':
      return cmp >= 0 && v.major === base.major && (minor === undefined || v.minor === base.minor);
    default:
      return (major === undefined || v.major === major) && (minor === undefined || v.minor === minor) && (patch === undefined || v.patch === patch);
  }
}

/** npm-style ranges: `1.2.3`, `1.x`, `^0.3.0`, `~1.2`, `>=1.0.0 <2.0.0`, `a || b`, `*`. */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parseSemver(version);
  if (!v) return false;
  return range.split('||').some((part) => {
    const comps = part.trim().split(/\s+/).filter(Boolean);
    return comps.length === 0 || comps.every((c) => c === '*' || satisfiesComparator(v, c));
  });
}
