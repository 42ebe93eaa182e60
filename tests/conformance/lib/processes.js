'use strict';
// Scratch directories and server processes for one test file, cleaned up when the file's
// process ends, whether its tests passed, failed or threw. Servers are started the way the
// harness does it: `sdcadm-bundle serve ARGS --listen 127.0.0.1:0 --port-file F`.

const child_process = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const env = require('./env');

const g_children = new Set();
const g_dirs = [];
let g_hooked = false;

function kill_all_now() {
    for (const child of g_children) {
        try { child.kill('SIGKILL'); } catch (e) { /* already gone */ }
    }
    g_children.clear();
}

function remove_dirs() {
    if (process.env.SDCB_KEEP_TMP) {
        for (const dir of g_dirs) process.stderr.write(`kept scratch dir ${dir}\n`);
        return;
    }
    for (const dir of g_dirs) fs.rmSync(dir, {recursive: true, force: true});
}

// Installed once: a test file that dies (uncaught error, SIGINT, SIGTERM) still stops its
// servers, so no port or process outlives the run.
function hook_exit() {
    if (g_hooked) return;
    g_hooked = true;
    process.on('exit', () => { kill_all_now(); remove_dirs(); });
    for (const sig of ['SIGINT', 'SIGTERM']) {
        process.once(sig, () => { kill_all_now(); remove_dirs(); process.exit(128 + 2); });
    }
}

// make_temp_dir(LABEL): a fresh directory, removed when the process exits
// (set SDCB_KEEP_TMP=1 to keep it for a post-mortem).
function make_temp_dir(label) {
    hook_exit();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sdcb-conf-${label}-`));
    g_dirs.push(dir);
    return dir;
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function read_log_tail(file) {
    try {
        const text = fs.readFileSync(file, 'utf8');
        return text.length > 4000 ? '...' + text.slice(-4000) : text;
    } catch (e) {
        return '(no log)';
    }
}

// The port file must hold one decimal port; it is accepted once two reads in a row agree,
// so a file caught half-written is never taken for a port.
async function wait_for_port(child, port_file, log_file, timeout_ms) {
    const deadline = Date.now() + timeout_ms;
    let previous = null;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`server exited (code ${child.exitCode}, signal ${child.signalCode}) ` +
                `before listening; log:\n${read_log_tail(log_file)}`);
        }
        let text = null;
        try { text = fs.readFileSync(port_file, 'utf8'); } catch (e) { /* not yet */ }
        const m = text && /^\s*(\d+)\s*$/.exec(text);
        if (m && Number(m[1]) > 0) {
            if (previous === m[1]) return Number(m[1]);
            previous = m[1];
        }
        await sleep(25);
    }
    throw new Error(`server did not write ${port_file} within ${timeout_ms} ms; ` +
        `log:\n${read_log_tail(log_file)}`);
}

// start_server(NAME, ARGS, {dir}): runs sdcadm-bundle serve ARGS on 127.0.0.1 port 0 and
// resolves to {url, port, pid, log_file, stop()} once the port file is written.
async function start_server(name, args, opts = {}) {
    const exe = env.binary('sdcadm-bundle');
    const dir = opts.dir || make_temp_dir(name);
    const port_file = path.join(dir, `${name}.port`);
    const log_file = path.join(dir, `${name}.log`);
    fs.rmSync(port_file, {force: true});
    const log_fd = fs.openSync(log_file, 'w');
    const full_args = ['serve', ...args, '--listen', '127.0.0.1:0', '--port-file', port_file];
    const child = child_process.spawn(exe, full_args, {stdio: ['ignore', log_fd, log_fd]});
    fs.closeSync(log_fd);
    hook_exit();
    g_children.add(child);
    child.on('exit', () => g_children.delete(child));
    let port;
    try {
        port = await wait_for_port(child, port_file, log_file, opts.timeout_ms || 10000);
    } catch (e) {
        child.kill('SIGKILL');
        e.message = `starting "${exe} ${full_args.join(' ')}": ${e.message}`;
        throw e;
    }
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid,
        log_file,
        log: () => read_log_tail(log_file),
        stop: () => stop_child(child)
    };
}

// SIGTERM first (a clean shutdown is part of the server's contract), SIGKILL after 3 s.
async function stop_child(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
}

// run_tool(NAME, ARGS): runs a built program to completion; throws with its output on failure.
function run_tool(name, args, opts = {}) {
    const exe = env.binary(name);
    const res = child_process.spawnSync(exe, args, {
        encoding: 'utf8', timeout: opts.timeout_ms || 60000, maxBuffer: 16 * 1024 * 1024
    });
    if (res.error || res.status !== 0) {
        throw new Error(`${exe} ${args.join(' ')} failed (status ${res.status}` +
            `${res.error ? ', ' + res.error.message : ''}):\n${res.stdout}${res.stderr}`);
    }
    return res;
}

module.exports = {make_temp_dir, start_server, run_tool, sleep};
