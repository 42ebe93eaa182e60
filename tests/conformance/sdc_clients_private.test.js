'use strict';
// Joyent's IMGAPI client (sdc-clients 13.0.6) and manifest validator (imgmanifest 3.2.1)
// against our server in private mode (the updates-server stand-in): channels with default
// `dev`, `*` on reads, anonymous reads, no writes. Spec: shared reference/imgapi.md §2-§5, §10.

const {describe, it, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const env = require('./lib/env');
const processes = require('./lib/processes');
const catalog = require('./lib/catalog');
const {make_client, call, call_ok, assert_rest_error, sdc_clients} = require('./lib/client');
const manifests = require('./lib/manifests');

// Missing node_modules or binaries fail the file here, loudly, before any test.
sdc_clients();
manifests.imgmanifest();
env.binary('sdcadm-bundle');

const k_missing_uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function uuids(list) {
    return list.map((m) => m.uuid);
}

function by_published(a, b) {
    return a.published_at < b.published_at ? -1 : a.published_at > b.published_at ? 1 : 0;
}

// The catalog images a channel read must return, in ListImages order (published_at asc).
function expected_in(images, channel) {
    return images.map((i) => i.manifest)
        .filter((m) => channel === '*' || m.channels.includes(channel))
        .sort(by_published);
}

describe('private mode over a hand-made catalog', () => {
    let server;
    let cat;
    let client;
    let dir;
    const returned = [];  // every manifest the server sent, validated at the end

    before(async () => {
        dir = processes.make_temp_dir('private');
        cat = catalog.write_catalog(path.join(dir, 'catalog'), catalog.small_catalog_specs());
        server = await processes.start_server('private', [cat.dir], {dir});
        client = make_client(server.url);
    });
    after(async () => {
        if (client) client.close();
        if (server) await server.stop();
    });

    function image(name_seed) {
        return cat.images.find((i) => i.manifest.uuid === catalog.uuid_from(name_seed));
    }

    it('ping: pong, imgapi:true, no pid for an anonymous caller outside dc mode', async () => {
        const [pong] = await call_ok(client, 'ping');
        assert.equal(pong.ping, 'pong');
        assert.equal(pong.imgapi, true);
        assert.equal(typeof pong.version, 'string');
        assert.equal(pong.pid, undefined, 'pid is only shown in dc mode or when authenticated');
    });

    it('ping with error=ValidationFailed returns the sample error', async () => {
        const [err] = await call(client, 'ping', 'ValidationFailed');
        assert_rest_error(err, {status: 422, code: 'ValidationFailed', message: 'boom'});
        assert.deepEqual(err.body.errors, []);
    });

    it('listChannels returns channels.json in order', async () => {
        const [channels, res] = await call_ok(client, 'listChannels', {});
        assert.deepEqual(channels, cat.channels);
        assert.match(res.headers['content-type'], /^application\/json/);
    });

    it('listImages without a channel lists the default channel (dev)', async () => {
        const [images] = await call_ok(client, 'listImages');
        assert.deepEqual(uuids(images), uuids(expected_in(cat.images, 'dev')));
        returned.push(...images);
    });

    for (const ch of ['staging', 'release', 'experimental', 'support', '*']) {
        it(`listImages with channel ${ch}`, async () => {
            const [images] = await call_ok(client, 'listImages', {}, {channel: ch});
            assert.deepEqual(uuids(images), uuids(expected_in(cat.images, ch)));
            returned.push(...images);
        });
    }

    it('served manifests equal the catalog manifests, in IMGAPI key order', async () => {
        const [images] = await call_ok(client, 'listImages', {}, {channel: '*'});
        for (const m of images) {
            const want = cat.images.find((i) => i.manifest.uuid === m.uuid);
            assert.ok(want, `unexpected image ${m.uuid}`);
            assert.deepEqual(m, want.manifest);
            manifests.assert_key_order(m, `ListImages ${m.uuid}`);
        }
    });

    it('the constructor channel option and ?channel= in the URL select the channel', async () => {
        const staging = make_client(server.url, {channel: 'staging'});
        const [a] = await call_ok(staging, 'listImages');
        assert.deepEqual(uuids(a), uuids(expected_in(cat.images, 'staging')));
        const [b] = await call_ok(staging, 'listImages', {}, {channel: 'experimental'});
        assert.deepEqual(uuids(b), uuids(expected_in(cat.images, 'experimental')),
            'a per-call channel overrides the constructor channel');
        staging.close();
        const release = make_client(server.url + '?channel=release');
        const [c] = await call_ok(release, 'listImages');
        assert.deepEqual(uuids(c), uuids(expected_in(cat.images, 'release')));
        const [img] = await call_ok(release, 'getImage', image('imgapi-staging').manifest.uuid);
        assert.equal(img.uuid, image('imgapi-staging').manifest.uuid);
        release.close();
    });

    it('listImages filters: name, version ~substring, type and !type, os', async () => {
        const all = cat.images.map((i) => i.manifest);
        const cases = [
            [{name: 'imgapi'}, (m) => m.name === 'imgapi'],
            [{version: '~20250102'}, (m) => m.version.includes('20250102')],
            [{type: 'zvol'}, (m) => m.type === 'zvol'],
            [{type: '!zone-dataset'}, (m) => m.type !== 'zone-dataset'],
            [{os: 'linux'}, (m) => m.os === 'linux'],
            [{name: 'no-such-image'}, () => false]
        ];
        for (const [filters, pick] of cases) {
            const [images] = await call_ok(client, 'listImages', filters, {channel: '*'});
            assert.deepEqual(uuids(images), uuids(all.filter(pick).sort(by_published)),
                `filters ${JSON.stringify(filters)}`);
        }
    });

    it('listImages state=all shows only active images to an anonymous caller', async () => {
        const [images] = await call_ok(client, 'listImages', {state: 'all'}, {channel: '*'});
        assert.deepEqual(uuids(images), uuids(expected_in(cat.images, '*')));
        const [none] = await call_ok(client, 'listImages', {state: 'unactivated'}, {channel: '*'});
        assert.deepEqual(none, []);
    });

    it('listImages limit and marker (inclusive) page oldest first', async () => {
        const all = expected_in(cat.images, '*');
        const [first] = await call_ok(client, 'listImages', {limit: 2}, {channel: '*'});
        assert.deepEqual(uuids(first), uuids(all.slice(0, 2)));
        const [next] = await call_ok(client, 'listImages',
            {limit: 3, marker: all[1].uuid}, {channel: '*'});
        assert.deepEqual(uuids(next), uuids(all.slice(1, 4)), 'marker image is returned again');
    });

    it('listImages with an unknown channel: 422 ValidationFailed', async () => {
        const [err] = await call(client, 'listImages', {}, {channel: 'bogus'});
        assert_rest_error(err, {status: 422, code: 'ValidationFailed',
            message: 'unknown channel: bogus'});
    });

    it('listImages with a bad state: 422 InvalidParameter', async () => {
        const [err] = await call(client, 'listImages', {state: 'nope'}, {channel: '*'});
        assert_rest_error(err, {status: 422, code: 'InvalidParameter',
            message: 'invalid state: "nope"'});
    });

    it('getImage in the default channel, with a channel, and with *', async () => {
        const dev = image('imgapi-dev');
        const [a, res] = await call_ok(client, 'getImage', dev.manifest.uuid);
        assert.deepEqual(a, dev.manifest);
        const staging = image('imgapi-staging');
        const [b] = await call_ok(client, 'getImage', staging.manifest.uuid, {channel: 'staging'});
        assert.deepEqual(b, staging.manifest);
        const [c] = await call_ok(client, 'getImage', staging.manifest.uuid, {channel: '*'});
        assert.deepEqual(c, staging.manifest);
        returned.push(a, b, c);
        const etag = catalog.digest('sha1', JSON.stringify(a), 'hex');
        assert.equal(res.headers.etag, etag, 'Etag = sha1 of the serialized image');
    });

    it('getImage outside the requested channel: 404 ResourceNotFound "image not found"', async () => {
        const staging = image('imgapi-staging');
        const [err] = await call(client, 'getImage', staging.manifest.uuid);
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound', message: 'image not found'});
        const dev = image('imgapi-dev');
        const [err2] = await call(client, 'getImage', dev.manifest.uuid, {channel: 'release'});
        assert_rest_error(err2, {status: 404, code: 'ResourceNotFound',
            message: 'image not found'});
    });

    it('getImage of an unknown uuid: 404 "image <uuid> not found"', async () => {
        const [err] = await call(client, 'getImage', k_missing_uuid, {channel: '*'});
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: `image ${k_missing_uuid} not found`});
    });

    it('getImage with an unknown channel: 422; bad uuid wins over bad channel: 404', async () => {
        const [err] = await call(client, 'getImage', image('imgapi-dev').manifest.uuid,
            {channel: 'bogus'});
        assert_rest_error(err, {status: 422, code: 'ValidationFailed',
            message: 'unknown channel: bogus'});
        const [err2] = await call(client, 'getImage', k_missing_uuid, {channel: 'bogus'});
        assert_rest_error(err2, {status: 422, code: 'ValidationFailed'});
        const [err3] = await call(client, 'getImage', 'not-a-uuid', {channel: 'bogus'});
        assert_rest_error(err3, {status: 404, code: 'ResourceNotFound',
            message: '/images/not-a-uuid?channel=bogus does not exist'});
    });

    it('Accept-Version: ~1 omits channels, ~2 has them, ~99 is 400 InvalidVersion', async () => {
        const uuid = image('imgapi-dev').manifest.uuid;
        const v1 = make_client(server.url, {version: '~1'});
        const [m1] = await call_ok(v1, 'getImage', uuid);
        assert.equal(m1.channels, undefined);
        const {channels, ...rest} = image('imgapi-dev').manifest;
        assert.deepEqual(m1, rest);
        assert.ok(channels.length > 0);
        v1.close();
        const v2 = make_client(server.url, {version: '~2'});
        const [m2] = await call_ok(v2, 'getImage', uuid);
        assert.deepEqual(m2.channels, ['dev']);
        v2.close();
        const v99 = make_client(server.url, {version: '~99'});
        const [err] = await call(v99, 'getImage', uuid);
        assert_rest_error(err, {status: 400, code: 'InvalidVersion'});
        v99.close();
    });

    it('getImageFile downloads every file; sizes and sha1 match, Content-MD5 checked', async () => {
        for (const img of cat.images) {
            const out = path.join(dir, `${img.manifest.uuid}.download`);
            const [res] = await call_ok(client, 'getImageFile', img.manifest.uuid, out,
                undefined, {channel: '*'});
            const got = fs.readFileSync(out);
            assert.equal(got.length, img.manifest.files[0].size);
            assert.equal(catalog.digest('sha1', got, 'hex'), img.manifest.files[0].sha1);
            assert.equal(res.headers['content-md5'], img.md5);
            assert.equal(res.headers['content-type'], 'application/octet-stream');
            assert.equal(Number(res.headers['content-length']), img.manifest.files[0].size);
            assert.equal(res.headers.etag, img.manifest.files[0].sha1);
            assert.ok(res.headers['last-modified'], 'Last-Modified header');
        }
    });

    it('getImageFileStream streams the same bytes', async () => {
        const img = image('origin-base');
        const [stream] = await call_ok(client, 'getImageFileStream', img.manifest.uuid,
            undefined, {channel: 'staging'});
        const chunks = [];
        await new Promise((resolve, reject) => {
            stream.on('data', (c) => chunks.push(c));
            stream.on('end', resolve);
            stream.on('error', reject);
            stream.resume();
        });
        assert.equal(catalog.digest('sha1', Buffer.concat(chunks), 'hex'),
            img.manifest.files[0].sha1);
    });

    it('getImageFile outside the channel: 404; unknown channel: 422', async () => {
        const img = image('sdcadm-exp');
        const out = path.join(dir, 'never.download');
        const [err] = await call(client, 'getImageFile', img.manifest.uuid, out);
        assert_rest_error(err, {status: 404, code: 'ResourceNotFound',
            message: 'image not found', raw: true});
        const [err2] = await call(client, 'getImageFile', img.manifest.uuid, out, undefined,
            {channel: 'bogus'});
        assert_rest_error(err2, {status: 422, code: 'ValidationFailed',
            message: 'unknown channel: bogus', raw: true});
        const [err3] = await call(client, 'getImageFile', k_missing_uuid, out, undefined,
            {channel: '*'});
        assert_rest_error(err3, {status: 404, code: 'ResourceNotFound',
            message: `image ${k_missing_uuid} not found`, raw: true});
    });

    it('writes are refused and change nothing', async () => {
        const fresh = Object.assign({}, image('imgapi-dev').manifest, {uuid: k_missing_uuid});
        delete fresh.channels;
        // Like the updates server to an anonymous caller: writes need HTTP-signature auth,
        // so restify's strict auth answers 401 UnauthorizedError (imgapi.md §6).
        const refused = (err, what) => {
            assert_rest_error(err, {status: 401, code: 'UnauthorizedError',
                raw: what === 'AddImageFile'}, `${what} on a private (read-only) server`);
        };
        const [e1] = await call(client, 'adminImportImage', fresh, {skipOwnerCheck: true});
        refused(e1, 'AdminImportImage');
        const dev = image('imgapi-dev');
        const [e2] = await call(client, 'addImageFile', {uuid: dev.manifest.uuid,
            file: dev.file, compression: 'gzip', sha1: dev.manifest.files[0].sha1});
        refused(e2, 'AddImageFile');
        const [e3] = await call(client, 'activateImage', dev.manifest.uuid);
        refused(e3, 'ActivateImage');
        const [e4] = await call(client, 'deleteImage', dev.manifest.uuid);
        refused(e4, 'DeleteImage');
        const [e5] = await call(client, 'getImage', k_missing_uuid, {channel: '*'});
        assert_rest_error(e5, {status: 404, code: 'ResourceNotFound'});
        const [still] = await call_ok(client, 'getImage', dev.manifest.uuid);
        assert.deepEqual(still, dev.manifest);
    });

    it('imgmanifest.validatePrivateManifest accepts every served and catalog manifest', () => {
        assert.ok(returned.length >= cat.images.length, 'manifests were collected');
        for (const m of returned) {
            manifests.assert_valid_private(m, cat.channels, `served ${m.uuid}`);
        }
        for (const {file, manifest} of catalog.manifests_in(cat.dir)) {
            manifests.assert_valid_private(manifest, cat.channels, file);
        }
    });
});

describe('private mode over sample-catalog --scale 256K', () => {
    let server;
    let client;
    let dir;
    let files;
    let channels;

    before(async () => {
        dir = processes.make_temp_dir('sample');
        const out = path.join(dir, 'catalog');
        processes.run_tool('sample-catalog', ['-o', out, '--scale', '256K', '--seed', '7']);
        files = catalog.manifests_in(out);
        assert.ok(files.length > 0, `sample-catalog wrote no .imgmanifest into ${out}`);
        const ch_file = path.join(out, 'channels.json');
        channels = fs.existsSync(ch_file)
            ? JSON.parse(fs.readFileSync(ch_file, 'utf8')) : catalog.k_standard_channels;
        server = await processes.start_server('sample', [out], {dir});
        client = make_client(server.url);
    });
    after(async () => {
        if (client) client.close();
        if (server) await server.stop();
    });

    it('listChannels equals the catalog channels', async () => {
        const [got] = await call_ok(client, 'listChannels', {});
        assert.deepEqual(got, channels);
    });

    it('every channel lists exactly the catalog images carrying it', async () => {
        const all = files.map((f) => f.manifest);
        for (const ch of [...channels.map((c) => c.name), '*']) {
            const [images] = await call_ok(client, 'listImages', {}, {channel: ch});
            const want = all.filter((m) => ch === '*' || m.channels.includes(ch)).sort(by_published);
            assert.deepEqual(uuids(images).sort(), uuids(want).sort(), `channel ${ch}`);
            for (let i = 1; i < images.length; i++) {
                assert.ok(images[i - 1].published_at <= images[i].published_at,
                    `channel ${ch}: ListImages is sorted by published_at`);
            }
        }
        const def = channels.find((c) => c.default);
        const [dflt] = await call_ok(client, 'listImages');
        const [named] = await call_ok(client, 'listImages', {}, {channel: def.name});
        assert.deepEqual(uuids(dflt), uuids(named), 'no channel = the default channel');
    });

    it('served manifests match the generator and pass validatePrivateManifest', async () => {
        const [images] = await call_ok(client, 'listImages', {}, {channel: '*'});
        for (const m of images) {
            const f = files.find((x) => x.manifest.uuid === m.uuid);
            for (const k of ['uuid', 'name', 'version', 'published_at', 'origin', 'files',
                'tags', 'type', 'os', 'channels']) {
                assert.deepEqual(m[k], f.manifest[k], `${m.uuid}.${k}`);
            }
            manifests.assert_key_order(m, `served ${m.uuid}`);
            manifests.assert_valid_private(m, channels, `served ${m.uuid}`);
        }
        for (const {file, manifest} of files) {
            manifests.assert_valid_private(manifest, channels, file);
        }
    });

    it('every origin resolves with channel *', async () => {
        for (const {manifest} of files.filter((f) => f.manifest.origin)) {
            const [origin] = await call_ok(client, 'getImage', manifest.origin, {channel: '*'});
            assert.equal(origin.uuid, manifest.origin);
        }
        assert.ok(files.some((f) => f.manifest.origin), 'the sample catalog has origin chains');
    });

    it('getImageFile of every image: Content-MD5 (client), size and sha1 (test)', async () => {
        const out = path.join(dir, 'download');
        for (const {manifest} of files) {
            await call_ok(client, 'getImageFile', manifest.uuid, out, undefined, {channel: '*'});
            const st = fs.statSync(out);
            assert.equal(st.size, manifest.files[0].size, `${manifest.uuid} size`);
            const sha1 = catalog.digest('sha1', fs.readFileSync(out), 'hex');
            assert.equal(sha1, manifest.files[0].sha1, `${manifest.uuid} sha1`);
        }
    });
});
