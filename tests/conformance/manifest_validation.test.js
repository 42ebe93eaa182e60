/*
 * Conformance: our manifest validator (build/bin/manifest-check, manifest::validate)
 * against Joyent's own node-imgmanifest (./node_modules/imgmanifest).
 *
 * A deterministic corpus of manifests (valid bases for every profile and Triton core image
 * shapes, then hundreds of single-field mutations: wrong types, bad enums, lengths at and
 * past their limits, missing required fields, unknown keys, zvol/lxd/requirements combos,
 * JS number and string quirks) is written to a temp dir, checked by manifest-check with
 * --profile P, and by imgmanifest.validate<P>Manifest on the same JSON. For every case the
 * verdict and the sorted set of (field, code) pairs must be identical.
 *
 * Two documented exceptions (see manifest/validate.cpp):
 *  - where imgmanifest throws a TypeError (IMGAPI would answer 500), we must say invalid
 *    and report (F, Invalid) for the field F whose validator threw (or a "F.<sub>" field);
 *  - "known divergence" cases, where imgmanifest accepts by accident and we refuse: the
 *    test asserts both sides, so a change on either side is noticed.
 *
 * SDCB_BIN must point at the build's bin/ directory. A missing binary or package is a
 * failure, never a skip.
 */
'use strict';

const assert = require('node:assert');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { buildCorpus } = require('./data/manifest_corpus');

function loadImgmanifest() {
    try {
        return require('imgmanifest');
    } catch (err) {
        assert.fail('the npm package imgmanifest is not installed in ' +
            'tests/conformance/node_modules (run scripts/setup-node.sh): ' + err.message);
    }
    return null;
}

function manifestCheckPath() {
    const bin = process.env.SDCB_BIN;
    assert.ok(bin, 'SDCB_BIN is not set: point it at the build\'s bin/ directory');
    const exe = path.join(bin, 'manifest-check');
    assert.ok(fs.existsSync(exe), exe + ' does not exist: build the manifest-check target');
    return exe;
}

// Validator function name in imgmanifest.js -> manifest field it checks.
const THROWING_VALIDATORS = {
    validateV: 'v', validateUuid: 'uuid', validateUrn: 'urn', validateOwner: 'owner',
    validateName: 'name', validateVersion: 'version', validateDescription: 'description',
    validateHomepage: 'homepage', validateEula: 'eula', validateDisabled: 'disabled',
    validateActivated: 'activated', validatePublishedAt: 'published_at',
    validateState: 'state', validatePublic: 'public', validateType: 'type',
    validateNicDriver: 'nic_driver', validateDiskDriver: 'disk_driver',
    validateCpuType: 'cpu_type', validateChannels: 'channels',
    validateImageSize: 'image_size', validateOs: 'os', validateError: 'error',
    validateFiles: 'files', validateIcon: 'icon', validateAcl: 'acl',
    validateRequirements: 'requirements', validateUsers: 'users',
    validateBillingTags: 'billing_tags', validateTraits: 'traits', validateTags: 'tags',
    validateGeneratePasswords: 'generate_passwords',
    validateInhDirectories: 'inherited_directories', validateOrigin: 'origin'
};

function throwingField(err) {
    const re = /at (?:Object\.)?(validate\w+)[ (]/g;
    let m;
    while ((m = re.exec(String(err.stack))) !== null) {
        if (THROWING_VALIDATORS[m[1]]) {
            return THROWING_VALIDATORS[m[1]];
        }
    }
    return null;
}

// imgmanifest's verdict: {errors: [...]} or {threw: field}.
function jsVerdict(imgmanifest, c) {
    const m = JSON.parse(c.text);
    const opts = c.channels ? { channelFromName: { dev: {} } } : undefined;
    const fn = {
        minimal: imgmanifest.validateMinimalManifest,
        dc: imgmanifest.validateDcManifest,
        public: imgmanifest.validatePublicManifest,
        private: imgmanifest.validatePrivateManifest
    }[c.profile];
    try {
        return { errors: fn(m, opts) || [] };
    } catch (err) {
        const field = throwingField(err);
        assert.ok(field, 'case ' + c.name + ': imgmanifest threw outside a validator: ' +
            err.stack);
        return { threw: field, message: err.message };
    }
}

function pairs(errors) {
    const set = new Set(errors.map(function (e) { return e.field + '|' + e.code; }));
    return Array.from(set).sort();
}

// Runs manifest-check once per (profile, channels) group over all that group's files.
function runManifestCheck(exe, dir, cases) {
    const groups = new Map();
    cases.forEach(function (c, i) {
        c.file = path.join(dir, String(i).padStart(5, '0') + '.json');
        fs.writeFileSync(c.file, c.text);
        const key = c.profile + (c.channels ? '+channels' : '');
        if (!groups.has(key)) {
            groups.set(key, []);
        }
        groups.get(key).push(c);
    });
    const results = new Map();
    groups.forEach(function (group, key) {
        const args = ['--profile', group[0].profile];
        if (group[0].channels) {
            args.push('--channels');
        }
        const files = group.map(function (c) { return c.file; });
        const r = childProcess.spawnSync(exe, args.concat(files),
            { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
        assert.ok(r.status === 0 || r.status === 9, 'manifest-check ' + key +
            ' exited ' + r.status + ': ' + r.stderr + (r.error || ''));
        const lines = r.stdout.split('\n').filter(function (l) { return l.length; });
        assert.strictEqual(lines.length, group.length, 'one output line per file');
        lines.forEach(function (line) {
            const o = JSON.parse(line);
            results.set(o.file, o);
        });
        const anyInvalid = group.some(function (c) { return !results.get(c.file).valid; });
        assert.strictEqual(r.status, anyInvalid ? 9 : 0, 'exit status for group ' + key);
    });
    return results;
}

function compareCase(c, js, ours) {
    const ourPairs = pairs(ours.errors);
    if (c.divergence) {
        assert.ok(!js.threw && js.errors.length === 0,
            'divergence note is stale, imgmanifest now rejects: ' + JSON.stringify(js));
        assert.ok(!ours.valid && ourPairs.indexOf(c.divergence.expect) !== -1,
            'expected ' + c.divergence.expect + ' from us, got ' + ourPairs.join(', '));
        return 'divergence';
    }
    if (js.threw) {
        const field = js.threw;
        const hit = ours.errors.some(function (e) {
            return e.code === 'Invalid' &&
                (e.field === field || e.field.indexOf(field + '.') === 0);
        });
        assert.ok(!ours.valid && hit, 'imgmanifest threw in ' + field + ' (' + js.message +
            '); expected (' + field + ', Invalid) from us, got ' + ourPairs.join(', '));
        return 'threw';
    }
    const jsPairs = pairs(js.errors);
    assert.strictEqual(ours.valid, jsPairs.length === 0, 'verdict');
    assert.deepStrictEqual(ourPairs, jsPairs, 'set of (field, code)');
    return jsPairs.length === 0 ? 'valid' : 'invalid';
}

test('manifest validation agrees with imgmanifest 3.2.1', function () {
    const imgmanifest = loadImgmanifest();
    const exe = manifestCheckPath();
    const cases = buildCorpus();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdcb-manifest-conformance-'));
    try {
        const results = runManifestCheck(exe, dir, cases);
        const counts = { valid: 0, invalid: 0, threw: 0, divergence: 0 };
        const failures = [];
        cases.forEach(function (c) {
            const js = jsVerdict(imgmanifest, c);
            const ours = results.get(c.file);
            try {
                counts[compareCase(c, js, ours)] += 1;
            } catch (err) {
                failures.push(c.profile + (c.channels ? '+channels' : '') + ' ' + c.name +
                    ': ' + err.message + '\n    input: ' + c.text.slice(0, 300) +
                    '\n    imgmanifest: ' + JSON.stringify(js).slice(0, 300) +
                    '\n    ours: ' + JSON.stringify(ours.errors).slice(0, 300));
            }
        });
        console.log('manifest conformance: %d cases (%d valid, %d invalid with identical ' +
            '(field, code) sets, %d where imgmanifest throws, %d known divergences), ' +
            '%d mismatches', cases.length, counts.valid, counts.invalid, counts.threw,
            counts.divergence, failures.length);
        assert.ok(cases.length >= 300, 'corpus too small: ' + cases.length);
        assert.ok(counts.valid >= 30, 'too few valid cases: ' + counts.valid);
        assert.strictEqual(failures.length, 0, failures.length + ' mismatches:\n' +
            failures.slice(0, 25).join('\n'));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test('manifest-check command line: exit codes, stdin, --serialize', function () {
    const exe = manifestCheckPath();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdcb-manifest-check-'));
    const run = function (args, input) {
        return childProcess.spawnSync(exe, args, { encoding: 'utf8', input: input });
    };
    try {
        const valid = { v: 2, uuid: '1f9b7958-289e-4ea3-8f88-5486a40d6823', name: 'foo',
            version: '1.2.3', type: 'zone-dataset', os: 'smartos', zz: 1 };
        const good = path.join(dir, 'good.json');
        fs.writeFileSync(good, JSON.stringify(Object.assign({}, valid, { zz: undefined })));
        let r = run([ '--profile', 'minimal', good ]);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout), { file: good, valid: true, errors: [] });

        r = run([ '--profile', 'minimal', '-' ], JSON.stringify(valid));
        assert.strictEqual(r.status, 9);
        assert.deepStrictEqual(JSON.parse(r.stdout).errors.map(function (e) {
            return [ e.field, e.code ];
        }), [ [ 'zz', 'Invalid' ] ]);

        const bad = path.join(dir, 'bad.json');
        fs.writeFileSync(bad, '{"v": 2,');
        r = run([ good, bad ]);
        assert.strictEqual(r.status, 9);
        const lines = r.stdout.trim().split('\n').map(JSON.parse);
        assert.strictEqual(lines.length, 2);
        assert.match(lines[1].errors[0].message, /bad\.json: invalid JSON: .* at byte/);

        const deep = path.join(dir, 'deep.json');
        fs.writeFileSync(deep, new Array(10001).join('['));
        r = run([ deep ]);
        assert.strictEqual(r.status, 9);
        assert.match(r.stdout, /nested deeper than 64 levels/);

        r = run([ path.join(dir, 'missing.json'), good ]);
        assert.strictEqual(r.status, 10, 'a missing file is exit 10 (not_found)');
        assert.match(r.stderr, /cannot open .*missing\.json/);

        r = run([ '--profile', 'nope', good ]);
        assert.strictEqual(r.status, 2, 'bad profile is a usage error');
        r = run([]);
        assert.strictEqual(r.status, 2, 'no file is a usage error');

        // --serialize: IMGAPI key order, unknown keys last, every field kept.
        const shuffled = { zz: 1, os: 'smartos', type: 'zone-dataset', version: '1.2.3',
            files: [ { compression: 'gzip', size: 5, sha1: 'abc' } ], name: 'foo',
            uuid: valid.uuid, v: 2, tags: { a: true } };
        r = run([ '--serialize', '-' ], JSON.stringify(shuffled));
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /^\{\n {2}"v": 2,\n {2}"uuid"/);
        const out = JSON.parse(r.stdout);
        assert.deepStrictEqual(Object.keys(out), [ 'v', 'uuid', 'name', 'version', 'type',
            'os', 'files', 'tags', 'zz' ]);
        assert.deepStrictEqual(Object.keys(out.files[0]), [ 'sha1', 'size', 'compression' ]);
        assert.deepStrictEqual(out, shuffled);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
