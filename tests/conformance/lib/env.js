'use strict';
// Where the conformance suite finds its inputs, and the loud failure when one is missing.
// The suite never skips: a machine without node, the pinned npm packages or the built
// binaries fails here with a message that says how to fix it.

const fs = require('node:fs');
const path = require('node:path');

const k_conformance_dir = path.resolve(__dirname, '..');
const k_source_dir = process.env.SDCB_SOURCE
    ? path.resolve(process.env.SDCB_SOURCE)
    : path.resolve(k_conformance_dir, '..', '..');
const k_bin_dir = process.env.SDCB_BIN
    ? path.resolve(process.env.SDCB_BIN)
    : path.join(k_source_dir, 'build', 'bin');

// Pinned versions (package.json / package-lock.json); a different installed version is a
// setup error, not something to test against silently.
const k_packages = {
    'sdc-clients': '13.0.6',
    'imgmanifest': '3.2.1'
};

function fail_setup(what, fix) {
    const err = new Error(`conformance setup: ${what}; ${fix}`);
    err.code = 'ConformanceSetup';
    throw err;
}

// require_package NAME: loads one of the pinned npm packages or throws a setup error.
function require_package(name) {
    const dir = path.join(k_conformance_dir, 'node_modules', name);
    const pkg_file = path.join(dir, 'package.json');
    if (!fs.existsSync(pkg_file)) {
        fail_setup(`npm package ${name} is missing (${dir})`,
            'run scripts/setup.sh (npm ci in tests/conformance)');
    }
    const version = JSON.parse(fs.readFileSync(pkg_file, 'utf8')).version;
    if (version !== k_packages[name]) {
        fail_setup(`npm package ${name} is ${version}, the lockfile pins ${k_packages[name]}`,
            'run npm ci in tests/conformance');
    }
    return require(dir);
}

// binary NAME: absolute path of a built executable in $SDCB_BIN, or a setup error.
function binary(name) {
    const file = path.join(k_bin_dir, name);
    try {
        fs.accessSync(file, fs.constants.X_OK);
    } catch (e) {
        fail_setup(`${file} is missing or not executable (SDCB_BIN=${k_bin_dir})`,
            'build it (cmake --build BUILD --target ' + name + ') and set SDCB_BIN=BUILD/bin');
    }
    return file;
}

module.exports = {
    conformance_dir: k_conformance_dir,
    source_dir: k_source_dir,
    bin_dir: k_bin_dir,
    require_package,
    binary
};
