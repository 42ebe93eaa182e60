'use strict';
// Joyent's IMGAPI client (sdc-clients 13.0.6) drives our server in DC mode (writable, no
// channels, no auth) through the offline import flow the installer uses — AdminImportImage,
// AddImageFile, ActivateImage, GetImage, ListImages, DeleteImage — and every error code the
// client is expected to see. Spec: shared reference/imgapi.md §3.1-§3.13, §10.

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

// Not the server's default admin uuid (930896af-...), so the owner filter tells them apart.
const k_owner = '5c1f5a7e-6d2b-4c1e-9a0f-3b2c1d0e9f87';
const k_missing_uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const k_uuid_re = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuids(list) {
    return list.map((m) => m.uuid);
}

// Three images: an origin, an incremental child, and a zvol owned by the UNSET owner that
// stays unactivated. Bodies are written the way the installer has them (updates-server
// manifests, carrying state/files/channels that import must drop).
function build_images(dir) {
    const specs = [
        {uuid: catalog.uuid_from('dc-origin'), owner: k_owner, name: 'triton-origin-x86_64-21.4.0',
         version: '20220322T012137Z', published_at: '2022-03-22T01:21:37Z', size: 65537,
         channels: ['dev'], tags: {smartdc_service: true}},
        {uuid: catalog.uuid_from('dc-child'), owner: k_owner, name: 'imgapi',
         version: 'master-20250101T000000Z-g1a2b3c4', published_at: '2025-01-01T00:00:00.123Z',
         size: 20000, origin: catalog.uuid_from('dc-origin'), channels: ['dev']},
        {uuid: catalog.uuid_from('dc-zvol'), name: 'ubuntu-certified', version: '24.04',
         published_at: '2024-06-01T00:00:00Z', size: 3000, type: 'zvol', os: 'linux',
         nic_driver: 'virtio', disk_driver: 'virtio', cpu_type: 'host', image_size: 10240,
         channels: ['dev']}
    ];
    const cat = catalog.write_catalog(dir, specs);
    const [origin, child, zvol] = cat.images;
    // The child and the zvol are imported in clean API form, the origin as served upstream.
    for (const img of [child, zvol]) {
        img.body = Object.assign({}, img.manifest);
        delete img.body.state;
        delete img.body.files;
        delete img.body.channels;
    }
    origin.body = Object.assign({}, origin.manifest);
    return {origin, child, zvol};
}

describe('dc mode: the offline import flow through sdc-clients', () => {
    let server;
    let client;
    let dir;
    let data_dir;
    let origin;
    let child;
    let zvol;
    const returned = [];

    before(async () => {
        dir = processes.make_temp_dir('dc');
        ({origin, child, zvol} = build_images(path.join(dir, 'images')));
        data_dir = path.join(dir, 'dc-data');
        server = await processes.start_server('dc', ['--mode', 'dc', '--data', data_dir], {dir});
        client = make_client(server.url);
    });
    after(async () => {
        if (client) client.close();
        if (server) await server.stop();
    });

    it('ping shows the server pid in dc mode', async () => {
        const [pong] = await call_ok(client, 'ping');
        assert.equal(pong.ping, 'pong');
        assert.equal(pong.imgapi, true);
        assert.equal(pong.pid, server.pid);
    });

    it('ping with error=ImageUuidAlreadyExists returns the sample error', async () => {
        const [err] = await call(client, 'ping', 'ImageUuidAlreadyExists');
        assert_rest_error(err, {status: 409, code: 'ImageUuidAlreadyExists'});
    });

    it('ListChannels is not mounted: 404 "/channels does not exist"', async () => {
        const [err] = await call(client, 'listChannels', {});
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: '/channels does not exist'});
    });

    it('GetImage of an unknown image: 404 "image <uuid> not found"', async () => {
        const [err] = await call(client, 'getImage', k_missing_uuid);
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: `image ${k_missing_uuid} not found`});
    });

    it('adminImportImage of the origin: unactivated, files/state/channels dropped', async () => {
        const [img] = await call_ok(client, 'adminImportImage', origin.body, {skipOwnerCheck: true});
        returned.push(img);
        assert.equal(img.uuid, origin.manifest.uuid);
        assert.equal(img.state, 'unactivated');
        assert.deepEqual(img.files, []);
        assert.equal(img.channels, undefined, 'no channels on a DC IMGAPI');
        assert.equal(img.owner, k_owner, 'owner kept with skip_owner_check');
        assert.equal(img.published_at, origin.manifest.published_at);
        assert.deepEqual(img.tags, origin.manifest.tags);
        manifests.assert_key_order(img, 'import response');
    });

    it('adminImportImage of the incremental child', async () => {
        const [img, res] = await call_ok(client, 'adminImportImage', child.body,
            {skipOwnerCheck: true});
        returned.push(img);
        assert.equal(img.state, 'unactivated');
        assert.equal(img.origin, origin.manifest.uuid);
        assert.equal(img.published_at, child.manifest.published_at);
        assert.equal(res.headers.etag, catalog.digest('sha1', JSON.stringify(img), 'hex'));
    });

    it('adminImportImage with the UNSET owner gives the image to the DC admin', async () => {
        const [img] = await call_ok(client, 'adminImportImage', zvol.body, {skipOwnerCheck: true});
        returned.push(img);
        assert.match(img.owner, k_uuid_re);
        assert.notEqual(img.owner, catalog.k_admin_owner);
        for (const k of ['nic_driver', 'disk_driver', 'cpu_type', 'image_size']) {
            assert.equal(img[k], zvol.manifest[k], `zvol field ${k} kept`);
        }
    });

    it('re-import: 409 ImageUuidAlreadyExists', async () => {
        const [err] = await call(client, 'adminImportImage', child.body, {skipOwnerCheck: true});
        assert_rest_error(err, {status: 409, code: 'ImageUuidAlreadyExists',
            message: `image uuid "${child.manifest.uuid}" already exists`});
    });

    it('import with a missing origin: 422 OriginDoesNotExist', async () => {
        const body = Object.assign({}, child.body,
            {uuid: catalog.uuid_from('dc-orphan'), origin: k_missing_uuid});
        const [err] = await call(client, 'adminImportImage', body, {skipOwnerCheck: true});
        assert_rest_error(err, {status: 422, code: 'OriginDoesNotExist',
            message: `origin image "${k_missing_uuid}" does not exist`});
    });

    it('import with an extra field: 422 InvalidParameter; without v: 422 ValidationFailed', async () => {
        const extra = Object.assign({}, child.body,
            {uuid: catalog.uuid_from('dc-extra'), activated: true});
        delete extra.origin;
        const [err] = await call(client, 'adminImportImage', extra, {skipOwnerCheck: true});
        assert_rest_error(err, {status: 422, code: 'InvalidParameter',
            message: 'invalid extra parameters: "activated"'});
        const nov = Object.assign({}, child.body, {uuid: catalog.uuid_from('dc-nov')});
        delete nov.origin;
        delete nov.v;
        const [err2] = await call(client, 'adminImportImage', nov, {skipOwnerCheck: true});
        assert_rest_error(err2, {status: 422, code: 'ValidationFailed'});
        for (const u of [extra.uuid, nov.uuid]) {
            const [e] = await call(client, 'getImage', u);
            assert_rest_error(e, {status: 404, code: 'ResourceNotFound'}, `${u} was not created`);
        }
    });

    it('activate without a file: 422 NoActivationNoFile', async () => {
        const [err] = await call(client, 'activateImage', origin.manifest.uuid);
        assert_rest_error(err, {status: 422, code: 'NoActivationNoFile',
            message: `image "${origin.manifest.uuid}" cannot be activated: it has no file`});
    });

    it('addImageFile with a wrong sha1: 400 Download, no file recorded', async () => {
        const [err] = await call(client, 'addImageFile', {uuid: origin.manifest.uuid,
            file: origin.file, compression: 'gzip', sha1: '0'.repeat(40)});
        assert_rest_error(err, {status: 400, code: 'Download', raw: true, message: /sha1/});
        const [img] = await call_ok(client, 'getImage', origin.manifest.uuid);
        assert.deepEqual(img.files, []);
        assert.equal(img.state, 'unactivated');
    });

    it('addImageFile from a path (client streams it with Content-Length)', async () => {
        const [img] = await call_ok(client, 'addImageFile', {uuid: origin.manifest.uuid,
            file: origin.file, compression: 'gzip', sha1: origin.manifest.files[0].sha1});
        returned.push(img);
        assert.deepEqual(img.files, origin.manifest.files);
        assert.equal(img.state, 'unactivated');
    });

    it('activateImage: active, imported published_at kept', async () => {
        const [img] = await call_ok(client, 'activateImage', origin.manifest.uuid);
        returned.push(img);
        assert.equal(img.state, 'active');
        assert.equal(img.published_at, origin.manifest.published_at);
    });

    it('activate twice: 422 ImageAlreadyActivated', async () => {
        const [err] = await call(client, 'activateImage', origin.manifest.uuid);
        assert_rest_error(err, {status: 422, code: 'ImageAlreadyActivated',
            message: `image "${origin.manifest.uuid}" is already activated`});
    });

    it('addImageFile on an activated image: 422 ImageFilesImmutable', async () => {
        const [err] = await call(client, 'addImageFile', {uuid: origin.manifest.uuid,
            file: origin.file, compression: 'gzip', sha1: origin.manifest.files[0].sha1});
        assert_rest_error(err, {status: 422, code: 'ImageFilesImmutable', raw: true,
            message: `cannot modify files on activated image ${origin.manifest.uuid}`});
    });

    it('addImageFile from a paused stream with size and dataset_guid, then activate', async () => {
        const stream = fs.createReadStream(child.file);
        stream.pause();
        const guid = '1234567890123456789';
        const [img] = await call_ok(client, 'addImageFile', {uuid: child.manifest.uuid,
            file: stream, size: child.data.length, compression: 'gzip', dataset_guid: guid});
        returned.push(img);
        assert.deepEqual(img.files,
            [Object.assign({}, child.manifest.files[0], {dataset_guid: guid})]);
        const [act] = await call_ok(client, 'activateImage', child.manifest.uuid);
        returned.push(act);
        assert.equal(act.state, 'active');
    });

    it('getImage: active, origin and published_at as imported', async () => {
        const [img] = await call_ok(client, 'getImage', child.manifest.uuid);
        returned.push(img);
        assert.equal(img.state, 'active');
        assert.equal(img.origin, origin.manifest.uuid);
        assert.equal(img.published_at, child.manifest.published_at);
        assert.equal(img.disabled, false);
        assert.equal(img.public, false);
    });

    it('getImageFile returns the uploaded bytes (client checks Content-MD5)', async () => {
        const out = path.join(dir, 'child.download');
        const [res] = await call_ok(client, 'getImageFile', child.manifest.uuid, out);
        assert.equal(catalog.digest('sha1', fs.readFileSync(out), 'hex'),
            child.manifest.files[0].sha1);
        assert.equal(res.headers['content-md5'], child.md5);
    });

    it('listImages filters: default active, state, name, type, ignored channel', async () => {
        const cases = [
            [{}, [origin, child]],
            [{state: 'all'}, [origin, zvol, child]],
            [{state: 'unactivated'}, [zvol]],
            [{state: 'active'}, [origin, child]],
            [{name: 'imgapi'}, [child]],
            [{name: '~origin', state: 'all'}, [origin]],
            [{type: 'zvol', state: 'all'}, [zvol]],
            [{type: '!zvol', state: 'all'}, [origin, child]],
            [{owner: k_owner, state: 'all'}, [origin, child]]
        ];
        for (const [filters, want] of cases) {
            const [images] = await call_ok(client, 'listImages', filters);
            returned.push(...images);
            assert.deepEqual(uuids(images), want.map((i) => i.manifest.uuid),
                `filters ${JSON.stringify(filters)}`);
        }
        const [ignored] = await call_ok(client, 'listImages', {}, {channel: 'staging'});
        assert.deepEqual(uuids(ignored), [origin, child].map((i) => i.manifest.uuid),
            'a DC IMGAPI ignores the channel param');
        const [err] = await call(client, 'listImages', {state: 'bogus'});
        assert_rest_error(err, {status: 422, code: 'InvalidParameter'});
    });

    it('imports survive a restart on the same --data dir', async () => {
        await server.stop();
        client.close();
        server = await processes.start_server('dc2', ['--mode', 'dc', '--data', data_dir], {dir});
        client = make_client(server.url);
        const [images] = await call_ok(client, 'listImages', {state: 'all'});
        assert.deepEqual(uuids(images), [origin, zvol, child].map((i) => i.manifest.uuid));
        const out = path.join(dir, 'origin.download');
        await call_ok(client, 'getImageFile', origin.manifest.uuid, out);
        assert.equal(catalog.digest('sha1', fs.readFileSync(out), 'hex'),
            origin.manifest.files[0].sha1);
    });

    it('deleteImage of an origin with dependents: 422 ImageHasDependentImages', async () => {
        const [err] = await call(client, 'deleteImage', origin.manifest.uuid);
        assert_rest_error(err, {status: 422, code: 'ImageHasDependentImages',
            message: `image "${origin.manifest.uuid}" has 1 dependent incremental image(s): ` +
                child.manifest.uuid});
        const [still] = await call_ok(client, 'getImage', origin.manifest.uuid);
        assert.equal(still.state, 'active');
    });

    it('deleteImage child, then origin, then the unactivated zvol: 204 each', async () => {
        for (const img of [child, origin, zvol]) {
            const [res] = await call_ok(client, 'deleteImage', img.manifest.uuid);
            assert.equal(res.statusCode, 204);
            const [err] = await call(client, 'getImage', img.manifest.uuid);
            assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
                message: `image ${img.manifest.uuid} not found`});
        }
        const [images] = await call_ok(client, 'listImages', {state: 'all'});
        assert.deepEqual(images, []);
    });

    it('deleteImage of an unknown image: 404 ResourceNotFound', async () => {
        const [err] = await call(client, 'deleteImage', k_missing_uuid);
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: `image ${k_missing_uuid} not found`});
    });

    it('a bad uuid in the path: 404 "<url> does not exist"', async () => {
        const [err] = await call(client, 'getImage', 'not-a-uuid');
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: '/images/not-a-uuid does not exist'});
    });

    it('imgmanifest.validateDcManifest accepts every manifest the server returned', () => {
        assert.ok(returned.length >= 10, 'manifests were collected');
        for (const m of returned) manifests.assert_valid_dc(m, `${m.uuid} (${m.state})`);
    });
});
