// A small static file server for the built site (no dependencies): correct MIME types for
// .wasm, no caching (a rebuilt page is never stale), loopback only by default.
// usage: node scripts/serve.mjs DIR [--port N] [--host 127.0.0.1]   (--port 0 picks a free port)
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const root = path.resolve(args.find((a, i) => !a.startsWith("--") && !(args[i - 1] || "").startsWith("--")) || ".");
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const port = Number(opt("--port", "8080"));
const host = opt("--host", "127.0.0.1");
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".png": "image/png", ".svg": "image/svg+xml", ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
};

const server = http.createServer((req, res) => {
  let rel;
  try { rel = decodeURIComponent(new URL(req.url, "http://x").pathname); } catch { res.writeHead(400).end(); return; }
  let file = path.join(root, path.normalize(rel));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n"); return; }
    res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream",
                         "Cache-Control": "no-store" });
    res.end(data);
  });
});
server.listen(port, host, () => {
  const a = server.address();
  console.log(`motsim: serving ${root} at http://${host}:${a.port}/`);
});
