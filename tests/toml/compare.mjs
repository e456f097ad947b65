// compare.mjs — compares toml-test JSON documents by meaning.
//
//   node compare.mjs EXPECTED1 ACTUAL1 [EXPECTED2 ACTUAL2 ...]
//
// For every pair whose documents differ (or cannot be read), prints one
// line "EXPECTED: reason" and exits 1; exits 0 if all pairs agree.
// "By meaning" as ../shared/README.md says: integers as integers, floats
// as numbers (1.0 == 1, nan == nan), date-times as instants (offsets applied,
// trailing zeros of fractions ignored), tables as unordered objects.
import { readFileSync } from 'node:fs';

const isScalar = (o) =>
  o !== null && typeof o === 'object' && !Array.isArray(o) &&
  Object.keys(o).length === 2 && typeof o.type === 'string' && typeof o.value === 'string';

function normFloat(s) {
  const t = s.replace(/_/g, '');
  if (/^[+-]?nan$/.test(t)) return 'nan';
  if (/^\+?inf$/.test(t)) return 'inf';
  if (t === '-inf') return '-inf';
  const n = Number(t);
  return Number.isNaN(n) ? 'bad:' + s : n === 0 ? '0' : String(n);
}

function frac(f) {
  return f ? f.slice(1).replace(/0+$/, '') : '';
}

function normDateTime(type, s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)?)?$/.exec(s);
  const tm = /^(\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(s);
  if (type === 'time-local') return tm ? `${tm[1]}:${tm[2]}:${tm[3]}.${frac(tm[4])}` : 'bad:' + s;
  if (!m) return 'bad:' + s;
  if (type === 'date-local') return m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}` : 'bad:' + s;
  if (m[4] === undefined) return 'bad:' + s;
  if (type === 'datetime-local') {
    if (m[8] !== undefined) return 'bad:' + s;
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${frac(m[7])}`;
  }
  if (m[8] === undefined) return 'bad:' + s;
  let secs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  if (m[8] !== 'Z' && m[8] !== 'z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    secs -= sign * (+m[8].slice(1, 3) * 3600 + +m[8].slice(4, 6) * 60);
  }
  return `${secs}.${frac(m[7])}`;
}

function normScalar(o) {
  switch (o.type) {
    case 'integer':
      try { return BigInt(o.value.replace(/_/g, '')).toString(); } catch { return 'bad:' + o.value; }
    case 'float': return normFloat(o.value);
    case 'datetime': case 'datetime-local': case 'date-local': case 'time-local':
      return normDateTime(o.type, o.value);
    default: return o.value;
  }
}

// Returns null if equal, else a short description of the first difference.
function diff(a, b, path) {
  if (isScalar(a) || isScalar(b)) {
    if (!isScalar(a) || !isScalar(b)) return `${path}: value vs table/array`;
    if (a.type !== b.type) return `${path}: type ${a.type} vs ${b.type}`;
    const x = normScalar(a), y = normScalar(b);
    return x === y ? null : `${path}: ${JSON.stringify(a.value)} vs ${JSON.stringify(b.value)}`;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path}: array vs table`;
    if (a.length !== b.length) return `${path}: ${a.length} vs ${b.length} elements`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return `${path}: not a table`;
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i]))
    return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = diff(a[k], b[k], `${path}.${JSON.stringify(k)}`);
    if (d) return d;
  }
  return null;
}

const args = process.argv.slice(2);
let bad = 0;
for (let i = 0; i + 1 < args.length; i += 2) {
  let d;
  try {
    const a = JSON.parse(readFileSync(args[i], 'utf8'));
    const b = JSON.parse(readFileSync(args[i + 1], 'utf8'));
    d = diff(a, b, '$');
  } catch (e) {
    d = String(e.message).split('\n')[0];
  }
  if (d) { console.log(`${args[i]}: ${d}`); bad++; }
}
if (args.length % 2) { console.log('compare.mjs: odd number of arguments'); bad++; }
process.exit(bad ? 1 : 0);
