'use strict';
// Our server's fault knobs (`serve --fault SPEC`) seen through Joyent's IMGAPI client:
// what sdc-clients 13.0.6 reports when the server corrupts a file body, cuts it short, or
// answers 503. Each server serves the hand-made private catalog.

const {describe, it, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const env = require('./lib/env');
const processes = require('./lib/processes');
const catalog = require('./lib/catalog');
const {make_client, call, call_ok, assert_rest_error, sdc_clients} = require('./lib/client');
const manifests = require('./lib/manifests');

sdc_clients();
manifests.imgmanifest();
env.binary('sdcadm-bundle');

// The origin image of the small catalog: 70001 bytes, in dev/staging/release.
function big_image(cat) {
    return cat.images.find((i) => i.manifest.uuid === catalog.uuid_from('origin-base'));
}

// One catalog shared by all servers of this file; each server gets its own fault spec.
function fault_suite(title, fault, body) {
    describe(title, () => {
        const ctx = {};
        before(async () => {
            ctx.dir = processes.make_temp_dir('fault');
            ctx.cat = catalog.write_catalog(path.join(ctx.dir, 'catalog'),
                catalog.small_catalog_specs());
            ctx.server = await processes.start_server('fault',
                [ctx.cat.dir, '--fault', fault], {dir: ctx.dir});
            ctx.client = make_client(ctx.server.url);
            ctx.image = big_image(ctx.cat);
        });
        after(async () => {
            if (ctx.client) ctx.client.close();
            if (ctx.server) await ctx.server.stop();
        });
        body(ctx);
    });
}

fault_suite('corrupt=1000: a flipped byte in the file body', 'corrupt=1000', (ctx) => {
    it('getImageFile reports a Content-MD5 mismatch (ChecksumError)', async () => {
        const out = path.join(ctx.dir, 'corrupt.download');
        const [err] = await call(ctx.client, 'getImageFile', ctx.image.manifest.uuid, out);
        assert.ok(err, 'sdc-clients must not accept a corrupted body');
        assert.equal(err.code, 'ChecksumError', `got ${err.name}: ${err.message}`);
        // The header carries the true MD5 of the catalog file; the body does not match it.
        assert.match(err.message, new RegExp(
            `^content-md5 expected to be ${ctx.image.md5.replace(/[+/]/g, '\\$&')}, but was `));
        const got = fs.readFileSync(out);
        assert.equal(got.length, ctx.image.data.length, 'corruption keeps the length');
        assert.notEqual(catalog.digest('sha1', got, 'hex'), ctx.image.manifest.files[0].sha1);
    });
});

fault_suite('cut=65536 on file downloads', 'cut=65536,path=/images/*/file', (ctx) => {
    it('getImageFile fails and leaves a short file', async () => {
        const out = path.join(ctx.dir, 'cut.download');
        const [err] = await call(ctx.client, 'getImageFile', ctx.image.manifest.uuid, out);
        assert.ok(err, 'sdc-clients must not report success for a body cut short');
        const size = fs.existsSync(out) ? fs.statSync(out).size : 0;
        assert.ok(size < ctx.image.data.length, `download is short (${size} bytes)`);
    });

    it('JSON endpoints outside the path pattern are untouched', async () => {
        const [img] = await call_ok(ctx.client, 'getImage', ctx.image.manifest.uuid);
        assert.deepEqual(img, ctx.image.manifest);
    });
});

fault_suite('status=503,nth=1: the first request fails', 'status=503,nth=1', (ctx) => {
    it('sdc-clients returns the 503 to the caller; it retries only connection errors', async () => {
        // The fault fires on the first request only, so a client-side retry would have
        // succeeded: getting the 503 back proves restify-clients did not retry it.
        const [err] = await call(ctx.client, 'getImage', ctx.image.manifest.uuid);
        // restify HttpErrors keep the "Error" suffix in the body code (imgapi.md §2.3).
        assert_rest_error(err, {status: 503, code: 'ServiceUnavailableError'});
    });

    it('the next request (the caller\'s own retry) succeeds', async () => {
        const [img] = await call_ok(ctx.client, 'getImage', ctx.image.manifest.uuid);
        assert.deepEqual(img, ctx.image.manifest);
    });
});

describe('dc mode, cut=4096 on the first file upload', () => {
    let server;
    let client;
    let img;

    before(async () => {
        const dir = processes.make_temp_dir('fault-dc');
        const cat = catalog.write_catalog(path.join(dir, 'catalog'), catalog.small_catalog_specs());
        img = big_image(cat);
        server = await processes.start_server('dc', ['--mode', 'dc', '--data',
            path.join(dir, 'data'), '--fault', 'cut=4096,method=PUT,path=/images/*/file,nth=1'],
            {dir});
        client = make_client(server.url);
        await call_ok(client, 'adminImportImage', img.manifest, {skipOwnerCheck: true});
    });
    after(async () => {
        if (client) client.close();
        if (server) await server.stop();
    });

    it('addImageFile reports the failed upload and no file is recorded', async () => {
        const [err] = await call(client, 'addImageFile', {uuid: img.manifest.uuid,
            file: img.file, compression: 'gzip', sha1: img.manifest.files[0].sha1});
        assert.ok(err, 'an upload cut short must not succeed');
        const [got] = await call_ok(client, 'getImage', img.manifest.uuid);
        assert.equal(got.state, 'unactivated');
        assert.deepEqual(got.files, []);
        const [act] = await call(client, 'activateImage', img.manifest.uuid);
        assert_rest_error(act, {status: 422, code: 'NoActivationNoFile'});
    });

    it('the retried upload succeeds and the image activates', async () => {
        const [up] = await call_ok(client, 'addImageFile', {uuid: img.manifest.uuid,
            file: img.file, compression: 'gzip', sha1: img.manifest.files[0].sha1});
        assert.deepEqual(up.files, img.manifest.files);
        const [act] = await call_ok(client, 'activateImage', img.manifest.uuid);
        assert.equal(act.state, 'active');
        assert.equal(act.published_at, img.manifest.published_at);
    });
});
