#!/usr/bin/env python3
"""Where the page's download goes: a twiggy-like size report for Shardlab's .wasm, stdlib only.

    python3 scripts/lib/wasm_top.py SHIPPED.wasm NAMED.wasm [TOP_N]

SHIPPED is the file in dist/ (after wasm-opt, no names): the report prints its raw, gzip -9 and
brotli sizes (brotli from the SHIPPED.br sibling that Trunk.toml's post_build hook writes; it is
left out when there is none, since the standard library has no brotli). NAMED is wasm-bindgen's
output before wasm-opt (target/wasm-bindgen/release/shardlab_bg.wasm), which still has its
`name` section: it gives the shares. Its functions are larger than the shipped ones (wasm-opt
shrinks code by about a tenth), so read its figures as shares, not as bytes saved.

It prints the sections (raw and gzipped), the TOP_N largest functions, code by owner (each
function counted once: the Shardlab module it belongs to, else its crate) and code by category
(overlapping patterns, e.g. every B-tree instantiation wherever it is used). It parses the binary
itself so that the size report needs no install and runs in well under 2 s; `twiggy` gives the
same top list and more (dominators), see scripts/lib/bootstrap.sh's ensure_twiggy.
"""
import collections
import gzip
import os
import re
import sys

SECTION_NAMES = {1: 'type', 2: 'import', 3: 'function', 5: 'memory', 6: 'global', 7: 'export',
                 9: 'elem', 10: 'code', 11: 'data', 12: 'datacount'}

# Overlapping categories: a function counts in each whose pattern its demangled name matches.
CATEGORIES = [
    ('btree maps/sets', r'alloc::collections::btree|BTreeMap|BTreeSet'),
    ('serde impls', r'serde|Serialize'),
    ('component views', r'CompStateInner<COMP> as yew::html::component::lifecycle::Stateful>::view'
                        r'|FunctionProvider>::run'),
    ('yew runtime', r'^<?yew::(?!html::component::lifecycle::CompStateInner)'),
    ('drop_in_place', r'drop_in_place'),
    ('wasm-bindgen glue', r'wasm_bindgen|js_sys|web_sys'),
    ('float fmt/parse', r'flt2dec|dec2flt'),
    ('md5/miniz/base64', r'md5|miniz|base64'),
    ('plotters', r'plotters'),
    ('prost', r'prost'),
    ('tracing', r'tracing'),
]


def leb(b, i):
    """Reads an unsigned LEB128 at b[i]; returns (value, next index)."""
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7f) << s
        s += 7
        if x < 0x80:
            return r, i


def parse(data):
    """Returns (sections [(label, start, end)], imported function count, body sizes, names)."""
    if data[:4] != b'\0asm':
        sys.exit('wasm_top: not a WebAssembly file')
    i, sections, imports, bodies, names = 8, [], 0, [], {}
    while i < len(data):
        sid = data[i]
        sz, i = leb(data, i + 1)
        end = i + sz
        label = SECTION_NAMES.get(sid, str(sid))
        if sid == 0:
            nl, j = leb(data, i)
            label = 'custom:' + data[j:j + nl].decode('utf8', 'replace')
            if label == 'custom:name':
                read_function_names(data, j + nl, end, names)
        elif sid == 2:
            imports = count_function_imports(data, i)
        elif sid == 10:
            cnt, j = leb(data, i)
            for _ in range(cnt):
                size, k = leb(data, j)
                bodies.append(size + (k - j))
                j = k + size
        sections.append((label, i, end))
        i = end
    return sections, imports, bodies, names


def read_function_names(data, j, end, names):
    while j < end:
        sub = data[j]
        ssz, j = leb(data, j + 1)
        sub_end = j + ssz
        if sub == 1:
            cnt, j = leb(data, j)
            for _ in range(cnt):
                idx, j = leb(data, j)
                n, j = leb(data, j)
                names[idx] = data[j:j + n].decode('utf8', 'replace')
                j += n
        j = sub_end


def count_function_imports(data, j):
    cnt, j = leb(data, j)
    functions = 0
    for _ in range(cnt):
        for _ in range(2):  # module and field names
            n, j = leb(data, j)
            j += n
        kind = data[j]
        j += 1
        if kind == 0:  # function: type index
            _, j = leb(data, j)
            functions += 1
        elif kind == 1:  # table: element type, limits
            j += 1
            flags = data[j]
            _, j = leb(data, j + 1)
            if flags & 1:
                _, j = leb(data, j)
        elif kind == 2:  # memory: limits
            flags = data[j]
            _, j = leb(data, j + 1)
            if flags & 1:
                _, j = leb(data, j)
        elif kind == 3:  # global: value type, mutability
            j += 2
    return functions


DEMANGLE = [('$LT$', '<'), ('$GT$', '>'), ('$u20$', ' '), ('$RF$', '&'), ('$C$', ','), ('..', '::'),
            ('$u7b$', '{'), ('$u7d$', '}'), ('$BP$', '*'), ('$u5b$', '['), ('$u5d$', ']'),
            ('$u27$', "'"), ('$u3b$', ';')]


def demangle(s):
    """Legacy Rust mangling (_ZN...E) and demangled names, both without the hash."""
    m = re.match(r'_ZN(.*)E$', s)
    if not m:  # already demangled (rustc's name section usually is): drop the hash
        return re.sub(r'::h[0-9a-f]{16}$', '', s)
    t, out, k = m.group(1), [], 0
    while k < len(t) and t[k].isdigit():
        n = re.match(r'\d+', t[k:]).group(0)
        k += len(n)
        out.append(t[k:k + int(n)])
        k += int(n)
    if out and re.match(r'h[0-9a-f]{16}$', out[-1]):
        out.pop()
    r = '::'.join(out)
    for a, b in DEMANGLE:
        r = r.replace(a, b)
    return r


def owner(name):
    """The Shardlab module a function belongs to (script's submodules apart), else its crate."""
    m = re.search(r'shardlab::(script::\w+|\w+)', name)
    if m:
        return 'shardlab::' + m.group(1)
    m = re.match(r'<([^<>]*?) as ([A-Za-z_]\w*)', name)
    if m and '::' not in m.group(1):  # <T as core::fmt::Debug>, <str as ...>: the trait's crate
        return m.group(2)
    m = re.match(r'[<&*\s\[]*(?:dyn |mut |const )*([A-Za-z_]\w*)', name)
    return m.group(1) if m else name


def embedded_text():
    """The lesson scripts the page embeds with include_str!, found from this file's place."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src')
    lessons = os.path.join(root, 'script', 'lessons')
    files = [os.path.join(lessons, f) for f in sorted(os.listdir(lessons))] if os.path.isdir(lessons) else []
    return [f for f in files + [os.path.join(root, 'session', 'default.sh')] if os.path.isfile(f)]


def kb(n):
    return f'{n / 1024:8.1f} KB'


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    shipped_path, named_path = argv[1], argv[2]
    top_n = int(argv[3]) if len(argv) > 3 else 25

    shipped = open(shipped_path, 'rb').read()
    shipped_gz = len(gzip.compress(shipped, 9))
    br_path = shipped_path + '.br'
    brotli = f', {kb(os.path.getsize(br_path)).strip()} brotli' if os.path.exists(br_path) else ''
    print(f'wasm-size: {os.path.basename(shipped_path)}: {kb(len(shipped)).strip()} raw, '
          f'{kb(shipped_gz).strip()} gzip -9{brotli}')

    data = open(named_path, 'rb').read()
    sections, imports, bodies, names = parse(data)
    if not names:
        sys.exit(f'wasm_top: {named_path} has no name section (use the file before wasm-opt)')
    print(f'--- sections of {named_path} (before wasm-opt)')
    for label, start, end in sections:
        if end - start > 4096:
            print(f'{kb(end - start)} {kb(len(gzip.compress(data[start:end], 6)))} gzipped  {label}')

    data_section = next((data[a:b] for label, a, b in sections if label == 'data'), b'')
    text = [open(f, 'rb').read() for f in embedded_text()]
    text = b''.join(t for t in text if t in data_section)
    if text:
        print(f'{kb(len(text))} {kb(len(gzip.compress(text, 6)))} gzipped  of the data: the lessons and '
              f'the default scene ({os.path.join("src", "script", "lessons")}, include_str!)')

    rows = sorted(((bodies[k], demangle(names.get(imports + k, f'func[{k}]'))) for k in range(len(bodies))),
                  reverse=True)
    total = sum(size for size, _ in rows)
    print(f'--- top {top_n} of {len(rows)} functions ({kb(total).strip()} of code)')
    for size, name in rows[:top_n]:
        print(f'{size:>8} {100 * size / total:5.1f}%  {name[:140]}')

    by_owner = collections.Counter()
    for size, name in rows:
        by_owner[owner(name)] += size
    print('--- code by owner (each function once; generic code goes to its crate, e.g. alloc)')
    for name, size in by_owner.most_common(25):
        print(f'{kb(size)} {100 * size / total:5.1f}%  {name}')

    print('--- code by category (overlapping)')
    for label, pattern in CATEGORIES:
        r = re.compile(pattern)
        matched = [size for size, name in rows if r.search(name)]
        print(f'{kb(sum(matched))} {100 * sum(matched) / total:5.1f}% {len(matched):>5} fns  {label}')


if __name__ == '__main__':
    main(sys.argv)
