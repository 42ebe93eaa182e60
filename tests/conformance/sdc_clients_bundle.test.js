'use strict';
// Joyent's IMGAPI client (sdc-clients 13.0.6) against `sdcadm-bundle serve BUNDLE`: a bundle
// built from a sample catalog, served read-only as an updates-server mirror. What stock
// sdcadm would see through `updatesServerUrl`: the bundle's channel is the default, every
// image of the bundle is listed and fetchable with the upstream manifest and bytes, other
// channels are kept, writes are refused, and a damaged file is never served as good.

const {describe, it, before, after} = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const env = require('./lib/env');
const processes = require('./lib/processes');
const {make_client, call, call_ok, assert_rest_error, sdc_clients} = require('./lib/client');
const manifests = require('./lib/manifests');

sdc_clients();
manifests.imgmanifest();
env.binary('sdcadm-bundle');
env.binary('sample-catalog');

const k_channel = 'release';
const k_missing_uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function sha1_of(file) {
    return crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

function without_channels(m) {
    const copy = Object.assign({}, m);
    delete copy.channels;
    return copy;
}

// The bundle's index as `inspect -j` prints it.
function bundle_index(bundle) {
    const res = processes.run_tool('sdcadm-bundle', ['inspect', '-j', bundle]);
    return JSON.parse(res.stdout).index;
}

describe('serve BUNDLE: a bundle as an updates-server mirror', () => {
    let dir;
    let upstream;
    let served;
    let up_client;
    let client;
    let index;
    let bundle;
    const returned = [];

    before(async () => {
        dir = processes.make_temp_dir('bundle');
        processes.run_tool('sample-catalog', ['-o', path.join(dir, 'catalog'), '--scale', '4M', '-q']);
        upstream = await processes.start_server('upstream', [path.join(dir, 'catalog')], {dir});
        bundle = path.join(dir, 'release.sdc');
        processes.run_tool('sdcadm-bundle', ['build', '-S', upstream.url, '-C', k_channel, '--all',
            '--cache-dir', path.join(dir, 'cache'), '-o', bundle], {timeout_ms: 300000});
        index = bundle_index(bundle);
        served = await processes.start_server('served', [bundle], {dir});
        up_client = make_client(upstream.url);
        client = make_client(served.url);
    });
    after(async () => {
        if (client) client.close();
        if (up_client) up_client.close();
        if (served) await served.stop();
        if (upstream) await upstream.stop();
    });

    function bundle_uuids() {
        return [...new Set(index.artifacts.filter((a) => a.manifest).map((a) => a.uuid))].sort();
    }

    it('ping answers like an IMGAPI', async () => {
        const [pong] = await call_ok(client, 'ping');
        assert.equal(pong.ping, 'pong');
    });

    it('listChannels: the bundle\'s channel is the default, upstream channels are kept', async () => {
        const [channels] = await call_ok(client, 'listChannels', {});
        const defaults = channels.filter((c) => c.default).map((c) => c.name);
        assert.deepEqual(defaults, [k_channel]);
        const [up_channels] = await call_ok(up_client, 'listChannels', {});
        const up_names = up_channels.map((c) => c.name);
        for (const c of channels) {
            assert.ok(up_names.includes(c.name), `channel ${c.name} is an upstream channel`);
            const up = up_channels.find((u) => u.name === c.name);
            assert.equal(c.description, up.description, `description of ${c.name}`);
        }
    });

    it('listImages without a channel lists exactly the bundle\'s images', async () => {
        const [images] = await call_ok(client, 'listImages', {});
        returned.push(...images);
        assert.deepEqual(images.map((m) => m.uuid).sort(), bundle_uuids());
        for (let i = 1; i < images.length; i++) {
            assert.ok(images[i - 1].published_at <= images[i].published_at,
                'ListImages order is published_at ascending');
        }
    });

    it('sdcadm\'s queries: by name, and the newest by name on the channel', async () => {
        const svc = index.artifacts.find((a) => a.role === 'service-image' && a.name === 'imgapi') ||
            index.artifacts.find((a) => a.role === 'service-image');
        const [by_name] = await call_ok(client, 'listImages', {name: svc.name});
        assert.ok(by_name.some((m) => m.uuid === svc.uuid), `${svc.name} target listed by name`);
        for (const m of by_name) assert.equal(m.name, svc.name);
        // The bundle's target is the newest of that name it carries (sdcadm picks the last).
        assert.equal(by_name[by_name.length - 1].uuid, svc.uuid);
    });

    it('getImage returns the upstream manifest for every image', async () => {
        for (const uuid of bundle_uuids()) {
            const [mine] = await call_ok(client, 'getImage', uuid);
            const [theirs] = await call_ok(up_client, 'getImage', uuid, {channel: '*'});
            returned.push(mine);
            assert.deepEqual(without_channels(mine), without_channels(theirs), `manifest ${uuid}`);
            for (const ch of theirs.channels) {
                assert.ok(mine.channels.includes(ch), `${uuid} keeps upstream channel ${ch}`);
            }
            assert.ok(mine.channels.includes(k_channel), `${uuid} is in the bundle's channel`);
        }
    });

    it('getImageFile serves upstream\'s bytes, Content-MD5 checked by the client', async () => {
        for (const uuid of bundle_uuids()) {
            const [m] = await call_ok(client, 'getImage', uuid);
            if (!m.files || m.files.length === 0) continue;
            const out = path.join(dir, `${uuid}.served`);
            const ref = path.join(dir, `${uuid}.upstream`);
            const [res] = await call_ok(client, 'getImageFile', uuid, out);
            const [up_res] = await call_ok(up_client, 'getImageFile', uuid, ref, undefined,
                {channel: '*'});
            assert.equal(fs.statSync(out).size, m.files[0].size);
            assert.equal(sha1_of(out), m.files[0].sha1);
            assert.equal(res.headers['content-md5'], up_res.headers['content-md5']);
            assert.equal(res.headers.etag, m.files[0].sha1);
            assert.ok(fs.readFileSync(out).equals(fs.readFileSync(ref)), `bytes of ${uuid}`);
            fs.rmSync(out);
            fs.rmSync(ref);
        }
    });

    it('images not in the bundle and unknown channels are refused as IMGAPI does', async () => {
        const [e1] = await call(client, 'getImage', k_missing_uuid);
        assert_rest_error(e1, {status: 404, code: 'ResourceNotFound'});
        const [e2] = await call(client, 'listImages', {channel: 'bogus'});
        assert_rest_error(e2, {status: 422, code: 'ValidationFailed'});
    });

    it('writes are refused and change nothing', async () => {
        const uuid = bundle_uuids()[0];
        const [e1] = await call(client, 'deleteImage', uuid);
        assert_rest_error(e1, {status: 401, code: 'UnauthorizedError'});
        const [e2] = await call(client, 'activateImage', uuid);
        assert_rest_error(e2, {status: 401, code: 'UnauthorizedError'});
        const [still] = await call_ok(client, 'getImage', uuid);
        assert.equal(still.uuid, uuid);
    });

    it('imgmanifest.validatePrivateManifest accepts every served manifest', async () => {
        const [channels] = await call_ok(client, 'listChannels', {});
        assert.ok(returned.length > 0);
        for (const m of returned) manifests.assert_valid_private(m, channels, m.uuid);
    });

    it('a damaged image file is cut, never served as good; the server keeps serving', async () => {
        // The largest member is an image file; flip one byte in the middle of its frames.
        const member = index.members.reduce((a, b) => (b.size > a.size ? b : a));
        const art = index.artifacts.find((a) => a.file === member.name);
        assert.ok(art, `${member.name} is an artifact's file`);
        const damaged = path.join(dir, 'damaged.sdc');
        fs.copyFileSync(bundle, damaged);
        const layout = processes.run_tool('read-test-bundle', ['frames', damaged]).stdout;
        const frame = layout.split('\n').map((l) => l.split(/\s+/))
            .find((f) => f[2] === member.name);
        assert.ok(frame, `a frame of ${member.name} in:\n${layout}`);
        const offset = Number(frame[0]) + Math.floor(Number(frame[1]) / 2);
        const fd = fs.openSync(damaged, 'r+');
        const b = Buffer.alloc(1);
        fs.readSync(fd, b, 0, 1, offset);
        b[0] ^= 0x40;
        fs.writeSync(fd, b, 0, 1, offset);
        fs.closeSync(fd);

        const bad = await processes.start_server('damaged', [damaged], {dir});
        const bad_client = make_client(bad.url);
        try {
            const out = path.join(dir, 'damaged.download');
            const [err] = await call(bad_client, 'getImageFile', art.uuid, out);
            assert.ok(err, 'the download of a damaged file fails');
            const [m] = await call_ok(bad_client, 'getImage', art.uuid);
            assert.equal(m.uuid, art.uuid, 'the server still answers');
            assert.match(bad.log(), /damaged|mismatch|corrupt/i, 'the server logs why');
        } finally {
            bad_client.close();
            await bad.stop();
        }
    });
});
