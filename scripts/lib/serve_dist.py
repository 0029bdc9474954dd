#!/usr/bin/env python3
"""Serves a built dist/ folder on 127.0.0.1:PORT the way a real static host would:

    python3 scripts/lib/serve_dist.py DIR PORT

A file with a precompressed sibling (FILE.br, FILE.gz, written by Trunk.toml's post_build hook,
scripts/lib/precompress.js) is sent compressed, with Content-Encoding and Vary, when the
request's Accept-Encoding allows it; otherwise the file is sent as it is. `python3 -m
http.server` sends everything raw, which made the page's first-frame figure include 1.9 MB of
.wasm that no real host would send. Used by serve_dist (scripts/lib/headless.sh).
"""
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        accepted = {e.split(';')[0].strip() for e in self.headers.get('Accept-Encoding', '').split(',')
                    if not e.replace(' ', '').endswith(';q=0')}
        if os.path.isfile(path):
            for encoding, suffix in (('br', '.br'), ('gzip', '.gz')):
                if encoding in accepted and os.path.isfile(path + suffix):
                    return self.send_encoded(path, path + suffix, encoding)
        return super().send_head()

    def send_encoded(self, path, encoded, encoding):
        f = open(encoded, 'rb')
        self.send_response(200)
        self.send_header('Content-Type', self.guess_type(path))
        self.send_header('Content-Encoding', encoding)
        self.send_header('Content-Length', str(os.fstat(f.fileno()).st_size))
        self.send_header('Vary', 'Accept-Encoding')
        self.end_headers()
        return f

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    directory, port = sys.argv[1], int(sys.argv[2])
    handler = lambda *a, **k: Handler(*a, directory=directory, **k)  # noqa: E731
    with http.server.ThreadingHTTPServer(('127.0.0.1', port), handler) as server:
        server.serve_forever()


if __name__ == '__main__':
    main()
