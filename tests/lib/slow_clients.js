// Hostile HTTP clients for tests/integration/imgapi_server_hardening.sh, with node's net
// module (raw sockets: curl cannot send a header line every 2 s or a million header lines).
//   node slow_clients.js slow HOST PORT SLOW IDLE SECONDS
//     opens SLOW connections sending one header line every 2 s and IDLE silent ones, then
//     times a fresh `GET /ping` every 500 ms for SECONDS; prints JSON: the /ping times (ms)
//     and what each slow connection got (status line or "closed") by the end.
//   node slow_clients.js flood HOST PORT LINES
//     sends `GET /ping` with LINES header lines as fast as the server takes them; prints
//     JSON: the status and body the server answered and the bytes sent before it did.
"use strict";
const net = require("net");
const [mode, host, portText, ...rest] = process.argv.slice(2);
const port = Number(portText);

function ping() {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, host, () => s.write("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    let data = "";
    s.on("data", (d) => { data += d; });
    s.on("error", () => {});
    s.on("close", () => resolve({ ms: Date.now() - t0, status: data.split("\r\n")[0] }));
    s.setTimeout(30000, () => s.destroy());
  });
}

async function slow(nSlow, nIdle, seconds) {
  const sockets = [];
  const got = [];
  for (let i = 0; i < nSlow; i++) {
    const s = net.connect(port, host);
    const rec = { reply: "", closed: false };
    got.push(rec);
    s.on("data", (d) => { rec.reply += d; });
    s.on("error", () => {});
    s.on("close", () => { rec.closed = true; });
    s.on("connect", () => {
      s.write("GET /ping HTTP/1.1\r\nHost: x\r\n");
      let n = 0;
      rec.timer = setInterval(() => { if (!rec.closed) s.write(`X-Slow-${n++}: y\r\n`); }, 2000);
    });
    sockets.push(s);
  }
  for (let i = 0; i < nIdle; i++) {
    const s = net.connect(port, host);
    s.on("error", () => {});
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const pings = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    pings.push(await ping());
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const rec of got) clearInterval(rec.timer);
  for (const s of sockets) s.destroy();
  console.log(JSON.stringify({
    pings,
    slow: got.map((r) => (r.reply ? r.reply.split("\r\n")[0] : r.closed ? "closed" : "open")),
  }));
}

function flood(lines) {
  const s = net.connect(port, host);
  let sent = 0, reply = "", i = 0, done = false;
  const line = (k) => `X-Flood-${String(k).padStart(7, "0")}: ${"v".repeat(60)}\r\n`;
  function pump() {
    while (!done && i < lines) {
      const chunk = [];
      for (let k = 0; k < 1000 && i < lines; k++) chunk.push(line(i++));
      const text = chunk.join("");
      sent += text.length;
      if (!s.write(text)) { s.once("drain", pump); return; }
    }
    if (!done && i >= lines) s.write("\r\n");
  }
  s.on("connect", () => { s.write("GET /ping HTTP/1.1\r\nHost: x\r\n"); pump(); });
  s.on("data", (d) => { reply += d; done = true; });  // answered: stop sending, as a client would
  s.on("error", () => {});
  s.on("close", () => {
    done = true;
    const [head, body] = reply.split("\r\n\r\n");
    console.log(JSON.stringify({ status: (head || "").split("\r\n")[0], body: body || "", sent }));
  });
  s.setTimeout(60000, () => s.destroy());
}

if (mode === "slow") slow(Number(rest[0]), Number(rest[1]), Number(rest[2]));
else if (mode === "flood") flood(Number(rest[0]));
else { console.error("usage: slow|flood"); process.exit(2); }
