#!/usr/bin/env python3
"""Generate peripherals/h755_regs.c: the register table of every peripheral window of the STM32H755
from ST's SVD (shared/reference/svd/STM32H755_CM7.svd, pack v2.8) plus the reviewed corrections in
tools/svd_corrections.txt (each row cites RM0399).

One h7_regdesc row per register: offset, name, reset value and the access of its bits as masks:
  rw_mask   fields software writes and reads back (SVD read-write, or no access given)
  ro_mask   fields set/cleared by hardware only (SVD read-only)
  w1c_mask  fields cleared by writing 1 (rc_w1; the SVD has no modifiedWriteValues: corrections only)
  wo_mask   fields that act on a write and read 0 (SVD write-only)
Bits no field covers are reserved: they keep their reset value and ignore writes.

Rules applied on top of the SVD's access attribute (documented, each is a fact of RM0399):
  - a field named *RDY in a read-write register is read-only: every RM0399 ready flag is "r",
    set by hardware when the resource is ready (the SVD marks RCC_CR's all read-write);
  - overlapping fields of one register: read-write wins over read-only over write-only;
  - registers at the same offset (the SVD's alternate views, e.g. TIMx_CCMR1 input/output) are one
    register: one row with the first name, masks OR-ed.
Derived peripherals (derivedFrom) take the registers of their base; identical tables are shared.

Run: python3 tools/gen_regs.py > peripherals/h755_regs.c
     (defaults: tools/svd/STM32H755_CM7.svd.xz, ST's file compressed, and tools/svd_corrections.txt)
(ctest `generated_regs_current` regenerates and compares.)"""
import lzma
import os
import re
import sys
import xml.etree.ElementTree as ET

M32 = 0xFFFFFFFF


def num(text):
    return int(text.strip(), 0)


def load_svd(path):
    opener = lzma.open if path.endswith('.xz') else open
    with opener(path, 'rb') as f:
        root = ET.parse(f).getroot()
    periphs = root.find('peripherals').findall('peripheral')
    by_name = {p.findtext('name'): p for p in periphs}
    return periphs, by_name


def registers_of(p, by_name):
    regs = p.find('registers')
    if regs is None and p.get('derivedFrom'):
        regs = by_name[p.get('derivedFrom')].find('registers')
    rows = {}
    if regs is None:
        return rows
    for r in regs.findall('register'):
        name = r.findtext('name')
        off = num(r.findtext('addressOffset'))
        reset = num(r.findtext('resetValue') or '0') & M32
        racc = r.findtext('access') or 'read-write'
        rw = ro = wo = 0
        fields = list(r.iter('field'))
        if not fields:
            fields_desc = [(0, 32, racc, name)]
        else:
            fields_desc = []
            for f in fields:
                if f.findtext('bitOffset') is not None:
                    lsb, width = num(f.findtext('bitOffset')), num(f.findtext('bitWidth'))
                else:
                    m = re.match(r'\[(\d+):(\d+)\]', f.findtext('bitRange'))
                    msb, lsb = int(m.group(1)), int(m.group(2))
                    width = msb - lsb + 1
                fields_desc.append((lsb, width, f.findtext('access') or racc, f.findtext('name')))
        for lsb, width, acc, fname in fields_desc:
            mask = (((1 << width) - 1) << lsb) & M32
            if acc == 'read-write' and fname.upper().endswith('RDY') and fields:
                acc = 'read-only'
            if acc == 'read-only':
                ro |= mask
            elif acc == 'write-only':
                wo |= mask
            else:   # read-write, writeOnce, read-writeOnce
                rw |= mask
        # overlapping fields (the SVD's alternate field views): read-write wins, then read-only
        ro &= ~rw
        wo &= ~(rw | ro)
        if off in rows:
            o = rows[off]
            mrw = o['rw'] | rw
            mro = (o['ro'] | ro) & ~mrw
            rows[off] = dict(o, rw=mrw, ro=mro, wo=(o['wo'] | wo) & ~(mrw | mro))
        else:
            rows[off] = dict(name=name, reset=reset, rw=rw, ro=ro, w1c=0, wo=wo)
    return rows


def load_corrections(path):
    out = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 4)
            if len(parts) < 5 or not parts[4].startswith('RM0399'):
                sys.exit(f'{path}:{lineno}: expected "window register what value RM0399-citation"')
            out.append((parts[0], parts[1], parts[2], num(parts[3]), lineno))
    return out


def apply(rows, window, corrections, path):
    for pname, rname, what, value, lineno in corrections:
        if pname != window:
            continue
        if what == 'drop':
            if value in rows and rows[value]['name'] == rname:
                del rows[value]
            continue
        if what == 'add':
            rows[value] = dict(name=rname, reset=0, rw=0, ro=0, w1c=0, wo=0)
            continue
        hit = [r for r in rows.values() if r['name'] == rname]
        if not hit:
            sys.exit(f'{path}:{lineno}: {pname} has no register {rname}')
        r = hit[0]
        if what == 'reset':
            r['reset'] = value
        elif what in ('rw', 'ro', 'w1c', 'wo'):
            for k in ('rw', 'ro', 'w1c', 'wo'):
                r[k] &= ~value
            r[what] |= value
        else:
            sys.exit(f'{path}:{lineno}: unknown correction "{what}"')


def c_ident(name):
    return re.sub(r'[^A-Za-z0-9_]', '_', name)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) == 1:
        sys.argv += [os.path.join(here, 'svd', 'STM32H755_CM7.svd.xz'), os.path.join(here, 'svd_corrections.txt')]
    if len(sys.argv) != 3:
        sys.exit('usage: gen_regs.py [STM32H755_CM7.svd[.xz] svd_corrections.txt] > peripherals/h755_regs.c')
    periphs, by_name = load_svd(sys.argv[1])
    corrections = load_corrections(sys.argv[2])
    sys.argv[2] = 'tools/svd_corrections.txt' if sys.argv[2].endswith('tools/svd_corrections.txt') else sys.argv[2]
    known = set(by_name)
    for pname, rname, what, value, lineno in corrections:
        if pname not in known:
            sys.exit(f'{sys.argv[2]}:{lineno}: no peripheral {pname} in the SVD')
    windows = []
    for p in sorted(periphs, key=lambda p: num(p.findtext('baseAddress'))):
        name = p.findtext('name')
        rows = registers_of(p, by_name)
        base = p.get('derivedFrom')
        if base:   # rows on the base apply first, then the window's own rows win
            apply(rows, base, corrections, sys.argv[2])
        apply(rows, name, corrections, sys.argv[2])
        windows.append((name, [(off, rows[off]) for off in sorted(rows)], base))

    tables = {}   # identical tables are shared
    order = []
    used = set()
    for name, rows, base in windows:
        key = tuple((off, r['name'], r['reset'], r['rw'], r['w1c'], r['ro'], r['wo']) for off, r in rows)
        if key not in tables:
            ident = 'regs_' + c_ident(base or name)   # a shared table is named after the SVD's base
            if ident in used:
                ident = 'regs_' + c_ident(name)
            used.add(ident)
            tables[key] = ident
            order.append((tables[key], key))

    out = []
    out.append("/* Generated by tools/gen_regs.py from ST's STM32H755_CM7.svd (pack v2.8) and "
               "tools/svd_corrections.txt.\n * Do not edit: change the corrections (citing RM0399) "
               "and regenerate. */")
    out.append('#include "h755_regs.h"\n')
    for ident, key in order:
        out.append(f'static const h7_regdesc {ident}[] = {{')
        for off, rname, reset, rw, w1c, ro, wo in key:
            out.append(f'    {{0x{off:03X}u, "{rname}", 0x{reset:08X}u, 0x{rw:08X}u, 0x{w1c:08X}u, '
                       f'0x{ro:08X}u, 0x{wo:08X}u}},')
        if not key:
            out.append('    {0, NULL, 0, 0, 0, 0, 0},')
        out.append('};')
    out.append('\nconst h7_regmap h7_h755_regmaps[] = {')
    nregs = 0
    for name, rows, base in windows:
        key = tuple((off, r['name'], r['reset'], r['rw'], r['w1c'], r['ro'], r['wo']) for off, r in rows)
        out.append(f'    {{"{name}", {tables[key]}, {len(rows)}u}},')
        nregs += len(rows)
    out.append('};')
    out.append('const size_t h7_h755_regmap_count = sizeof h7_h755_regmaps / sizeof h7_h755_regmaps[0];')
    out.append(f'/* {len(windows)} windows, {nregs} registers. */')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
