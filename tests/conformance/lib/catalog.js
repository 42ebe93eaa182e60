'use strict';
// A tiny catalog written by hand, independent of our own generator: `<uuid>.imgmanifest`
// (API form, with `channels`) + `<uuid>.imgfile` pairs and a `channels.json`, the layout
// `sdcadm-bundle serve DIR` serves. Checksums come from node's crypto, not from our code.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const k_admin_owner = '00000000-0000-0000-0000-000000000000';

// Triton's standard channel set on updates.tritondatacenter.com (ListChannels order).
const k_standard_channels = [
    {name: 'experimental', description: "feature-branch builds (warning: 'latest' isn't meaningful)"},
    {name: 'dev', description: 'main development branch builds', default: true},
    {name: 'staging', description: 'staging for release branch builds before a full release'},
    {name: 'release', description: 'release bits'},
    {name: 'support', description: 'MNX-supported release bits'}
];

// Serialization order of IMGAPI's Image.prototype.serialize (reference/imgapi.md §4.1).
const k_key_order = ['v', 'uuid', 'owner', 'name', 'version', 'state', 'disabled', 'public',
    'published_at', 'type', 'os', 'files', 'acl', 'description', 'homepage', 'eula', 'icon',
    'urn', 'requirements', 'users', 'generate_passwords', 'inherited_directories', 'origin',
    'nic_driver', 'disk_driver', 'cpu_type', 'image_size', 'tags', 'billing_tags', 'traits',
    'error', 'channels'];

// Deterministic incompressible bytes: SHA-256 in counter mode over a seed string.
function pseudo_random_bytes(seed, size) {
    const out = Buffer.alloc(size);
    for (let off = 0, i = 0; off < size; i++) {
        const block = crypto.createHash('sha256').update(`${seed}:${i}`).digest();
        off += block.copy(out, off);
    }
    return out;
}

function digest(algo, data, encoding) {
    return crypto.createHash(algo).update(data).digest(encoding);
}

// uuid_from(SEED): a stable v4-shaped lowercase UUID.
function uuid_from(seed) {
    const h = digest('sha1', 'uuid:' + seed, 'hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// make_manifest(SPEC, DATA): the API-form manifest of one image, keys in IMGAPI's order.
function make_manifest(spec, data) {
    const m = {
        v: 2,
        uuid: spec.uuid,
        owner: spec.owner || k_admin_owner,
        name: spec.name,
        version: spec.version,
        state: 'active',
        disabled: false,
        public: false,
        published_at: spec.published_at,
        type: spec.type || 'zone-dataset',
        os: spec.os || 'smartos',
        files: [{sha1: digest('sha1', data, 'hex'), size: data.length,
                 compression: spec.compression || 'gzip'}]
    };
    if (spec.description) m.description = spec.description;
    if (spec.requirements) m.requirements = spec.requirements;
    if (spec.origin) m.origin = spec.origin;
    for (const k of ['nic_driver', 'disk_driver', 'cpu_type', 'image_size']) {
        if (spec[k] !== undefined) m[k] = spec[k];
    }
    if (spec.tags) m.tags = spec.tags;
    m.channels = spec.channels;
    return m;
}

// write_catalog(DIR, SPECS, {channels}): writes the catalog and returns
// {dir, channels, images: [{manifest, data, md5, file}]} in SPECS order.
function write_catalog(dir, specs, opts = {}) {
    fs.mkdirSync(dir, {recursive: true});
    const channels = opts.channels || k_standard_channels;
    fs.writeFileSync(path.join(dir, 'channels.json'), JSON.stringify(channels, null, 2) + '\n');
    const images = specs.map((spec) => {
        const data = pseudo_random_bytes(spec.uuid, spec.size);
        const manifest = make_manifest(spec, data);
        const file = path.join(dir, `${spec.uuid}.imgfile`);
        fs.writeFileSync(file, data);
        fs.writeFileSync(path.join(dir, `${spec.uuid}.imgmanifest`),
            JSON.stringify(manifest, null, 2) + '\n');
        return {manifest, data, file, md5: digest('md5', data, 'base64')};
    });
    return {dir, channels, images};
}

// The hand-made catalog used by the private-mode tests: a 3-level origin chain, images in
// one or several channels, a zvol (driver fields), and tags as the core images carry them.
function small_catalog_specs() {
    const base = uuid_from('origin-base');
    const mid = uuid_from('origin-mid');
    return [
        {uuid: base, name: 'triton-origin-x86_64-21.4.0', version: '20220322T012137Z',
         published_at: '2022-03-22T01:21:37Z', size: 70001, channels: ['dev', 'staging', 'release'],
         description: 'origin base'},
        {uuid: mid, name: 'triton-origin-x86_64-21.4.0', version: 'master-20230101T000000Z-g0000001',
         published_at: '2023-01-01T00:00:00Z', size: 4097, origin: base,
         channels: ['dev', 'staging', 'release']},
        {uuid: uuid_from('imgapi-dev'), name: 'imgapi', version: 'master-20250101T000000Z-g1a2b3c4',
         published_at: '2025-01-01T00:00:00.123Z', size: 9000, origin: mid, channels: ['dev'],
         requirements: {min_platform: {'7.0': '20210826T002459Z'}},
         tags: {smartdc_service: true}},
        {uuid: uuid_from('imgapi-staging'), name: 'imgapi',
         version: 'release-20250102-20250102T000000Z-g2b3c4d5',
         published_at: '2025-01-02T00:00:00Z', size: 8193, origin: mid,
         channels: ['staging', 'release'], tags: {smartdc_service: true}},
        {uuid: uuid_from('sdcadm-exp'), name: 'sdcadm', version: '1.39.0',
         published_at: '2025-01-03T00:00:00Z', size: 3001, type: 'other', os: 'other',
         compression: 'none', channels: ['experimental'],
         tags: {smartdc_service: 'true', buildstamp: 'TRITON-1-20250103T000000Z-gabcdef0'}},
        {uuid: uuid_from('zvol-support'), name: 'ubuntu-certified', version: '24.04',
         published_at: '2025-01-04T00:00:00Z', size: 5000, type: 'zvol', os: 'linux',
         nic_driver: 'virtio', disk_driver: 'virtio', cpu_type: 'host', image_size: 10240,
         channels: ['support']}
    ];
}

// manifests_in(DIR): every `<uuid>.imgmanifest` of a catalog directory, parsed.
function manifests_in(dir) {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.imgmanifest')).sort().map((f) => ({
        file: path.join(dir, f),
        manifest: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))
    }));
}

module.exports = {
    k_admin_owner, k_standard_channels, k_key_order,
    pseudo_random_bytes, digest, uuid_from, make_manifest, write_catalog,
    small_catalog_specs, manifests_in
};
