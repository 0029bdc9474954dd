// Trunk's post_build hook (Trunk.toml): writes a .gz and a .br beside each text or wasm file in
// the staging dir, so that any static host that serves precompressed files (nginx gzip_static
// and brotli_static, Caddy's precompressed, scripts/lib/serve_dist.py here) sends the .wasm at a
// third of its size without compressing it on every request. Trunk 0.21 compresses nothing
// itself. Node is already needed for wasm-opt (the binaryen npm package), and its zlib has both
// gzip and brotli. Release builds only: `trunk serve` without --release stays fast.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('precompress: TRUNK_STAGING_DIR is not set (run me from Trunk.toml\'s post_build hook)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const worthIt = /\.(wasm|js|css|html|svg|json|txt|sh)$/;
function* files(d) {
  for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (worthIt.test(entry.name)) yield p;
  }
}

for (const file of files(dir)) {
  const raw = fs.readFileSync(file);
  if (raw.length < 1024) continue;
  const gz = zlib.gzipSync(raw, { level: 9 });
  const br = zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  // A host picks the sibling only when it is there; one that is no smaller is left out.
  if (gz.length < raw.length) fs.writeFileSync(file + '.gz', gz);
  if (br.length < raw.length) fs.writeFileSync(file + '.br', br);
}
