/*
 * The deterministic manifest corpus for manifest_validation.test.js.
 * buildCorpus() returns [{name, profile, channels, text, divergence?}], where text is the
 * JSON given to both validators and divergence = {expect: 'field|code'} marks a case where
 * we deliberately refuse what imgmanifest accepts (manifest/validate.cpp lists why).
 */
'use strict';

const UUID = '1f9b7958-289e-4ea3-8f88-5486a40d6823';
const OWNER = '930896af-bf8c-48d4-885c-6573a94b1853';
const ORIGIN = 'f9f8d4e5-30d9-438e-88f7-ea745370049b';
const SHA1 = '3dcf0d8695bf81a05a6272ccdc5048dd025acceb';

function clone(o) {
    return JSON.parse(JSON.stringify(o));
}

// ---- valid bases

function minimalBase() {
    return { v: 2, uuid: UUID, name: 'foo', version: '1.2.3', type: 'zone-dataset',
        os: 'smartos' };
}

// The form IMGAPI's Image.validateAndNormalize hands to imgmanifest (API form + activated).
function dcBase() {
    return {
        v: 2, uuid: UUID, owner: OWNER, name: 'imgapi',
        version: 'master-20200310T190435Z-g4869d31', state: 'active', disabled: false,
        activated: true, public: false, published_at: '2020-03-10T19:08:26.567Z',
        type: 'zone-dataset', os: 'smartos',
        files: [ { sha1: SHA1, size: 121737890, compression: 'gzip' } ],
        description: 'IMGAPI service zone', homepage: 'https://github.com/TritonDataCenter',
        origin: ORIGIN,
        requirements: { networks: [ { name: 'net0', description: 'admin' } ],
            min_platform: { '7.0': '20200304T133736Z' }, ssh_key: true },
        users: [ { name: 'root' }, { name: 'admin' } ],
        tags: { smartdc_service: true }, billing_tags: [ 'small' ],
        traits: { provisionable: true }
    };
}

function zvolBase() {
    const m = dcBase();
    m.type = 'zvol';
    m.os = 'linux';
    m.nic_driver = 'virtio';
    m.disk_driver = 'virtio';
    m.cpu_type = 'host';
    m.image_size = 10240;
    m.requirements = { brand: 'bhyve', bootrom: 'uefi', min_ram: 1024, max_ram: 4096 };
    return m;
}

// Triton core image shapes (reference/imgapi.md section 8), in validation form.
function coreShapes() {
    const platform = dcBase();
    platform.name = 'platform';
    platform.version = 'master-20200304T133736Z';
    platform.type = 'other';
    platform.tags = { smartdc_service: 'true', buildstamp: '20200304T133736Z' };
    delete platform.origin;
    delete platform.requirements;
    delete platform.users;
    const agentsshar = clone(platform);
    agentsshar.name = 'agentsshar';
    agentsshar.version = '1.0.0-master-20221101T000000Z-g1a2b3c4';
    agentsshar.os = 'other';
    agentsshar.files[0].compression = 'none';
    const gzTools = clone(agentsshar);
    gzTools.name = 'gz-tools';
    gzTools.files[0].compression = 'gzip';
    const sdcadm = clone(agentsshar);
    sdcadm.name = 'sdcadm';
    sdcadm.version = '1.39.0';
    sdcadm.tags.buildstamp = 'master-20221101T000000Z-g1a2b3c4';
    return { platform: platform, agentsshar: agentsshar, 'gz-tools': gzTools, sdcadm: sdcadm };
}

// ---- case builders

function Corpus() {
    this.cases = [];
}

Corpus.prototype.add = function add(name, profile, manifest, extra) {
    this.cases.push(Object.assign({ name: name, profile: profile, channels: false,
        text: JSON.stringify(manifest) }, extra || {}));
};

Corpus.prototype.raw = function raw(name, profile, text) {
    this.cases.push({ name: name, profile: profile, channels: false, text: text });
};

function withField(base, field, value) {
    const m = clone(base);
    if (value === undefined) {
        delete m[field];
    } else {
        m[field] = value;
    }
    return m;
}

// Values every field is tried with: each JSON type and the JS-conversion edge cases.
const GENERIC_VALUES = [
    null, true, false, 0, 1, -1, 1.5, '', 'x', 'true', 'false', '2', ' 7 ', '0x10',
    [], [ 'x' ], [ 1, 2 ], [ null ], {}, { a: 1 }, { length: 2000 }, UUID, [ UUID ],
    'null', 'zvol'
];

const ALL_FIELDS = [
    'v', 'uuid', 'urn', 'owner', 'name', 'version', 'description', 'homepage', 'eula',
    'disabled', 'activated', 'published_at', 'state', 'public', 'type', 'os', 'origin',
    'error', 'files', 'icon', 'acl', 'requirements', 'users', 'billing_tags', 'traits',
    'tags', 'generate_passwords', 'inherited_directories', 'nic_driver', 'disk_driver',
    'cpu_type', 'image_size', 'channels'
];

function addBases(c) {
    c.add('minimal base', 'minimal', minimalBase());
    c.add('dc base', 'dc', dcBase());
    c.add('dc base as minimal', 'minimal', withField(dcBase(), 'channels', undefined));
    c.add('private base', 'private', dcBase());
    c.add('public base', 'public', withField(dcBase(), 'public', true));
    c.add('private base with channels', 'private', withField(dcBase(), 'channels', [ 'dev' ]),
        { channels: true });
    c.add('public base with channels', 'public',
        Object.assign(withField(dcBase(), 'public', true), { channels: [ 'dev', 'release' ] }),
        { channels: true });
    c.add('zvol base', 'dc', zvolBase());
    c.add('unactivated without files', 'dc', Object.assign(dcBase(),
        { activated: false, state: 'unactivated', files: undefined,
            published_at: undefined }));
    c.add('lxd with two files', 'dc', Object.assign(dcBase(), { type: 'lxd',
        files: [ dcBase().files[0], dcBase().files[0] ] }));
    c.add('placeholder creating', 'minimal', Object.assign(minimalBase(),
        { type: 'null', os: 'null', state: 'creating' }));
    c.add('placeholder failed', 'dc', Object.assign(dcBase(), { type: 'null', os: 'null',
        state: 'failed', error: { message: 'no peers available', code: 'Boom' } }));
    const shapes = coreShapes();
    Object.keys(shapes).forEach(function (k) {
        [ 'dc', 'private' ].forEach(function (p) {
            c.add('core image ' + k, p, shapes[k]);
        });
        c.add('core image ' + k + ' with channels', 'private',
            Object.assign(clone(shapes[k]), { channels: [ 'dev' ] }), { channels: true });
    });
    c.add('full optional set', 'dc', Object.assign(dcBase(), { eula: 'http://x.example/eula',
        icon: true, urn: 'sdc:sdc:imgapi:1.0', acl: [ OWNER ], generate_passwords: 'false',
        inherited_directories: [ '/opt/local' ] }));
}

// Every field set to every generic value, and removed, in every profile.
function addGenericMutations(c) {
    const bases = {
        minimal: minimalBase(), dc: dcBase(), private: dcBase(),
        public: withField(dcBase(), 'public', true)
    };
    Object.keys(bases).forEach(function (profile) {
        ALL_FIELDS.forEach(function (field) {
            c.add(field + ' removed', profile, withField(bases[profile], field, undefined));
            GENERIC_VALUES.forEach(function (value) {
                c.add(field + '=' + JSON.stringify(value), profile,
                    withField(bases[profile], field, value));
            });
        });
    });
    // zvol: the same mutations of the four zvol fields with type zvol.
    [ 'nic_driver', 'disk_driver', 'cpu_type', 'image_size' ].forEach(function (field) {
        c.add('zvol ' + field + ' removed', 'dc', withField(zvolBase(), field, undefined));
        GENERIC_VALUES.forEach(function (value) {
            c.add('zvol ' + field + '=' + JSON.stringify(value), 'dc',
                withField(zvolBase(), field, value));
        });
    });
    // channels on a channel server.
    [ 'public', 'private' ].forEach(function (profile) {
        const base = withField(bases[profile], 'channels', [ 'dev' ]);
        c.add('channels removed on channel server', profile, withField(base, 'channels',
            undefined), { channels: true });
        GENERIC_VALUES.forEach(function (value) {
            c.add('channel server channels=' + JSON.stringify(value), profile,
                withField(base, 'channels', value), { channels: true });
        });
    });
    c.add('unknown key', 'dc', withField(dcBase(), 'frobnicate', 1));
    c.add('unknown keys x2', 'minimal', Object.assign(minimalBase(), { a: 1, b_c: null }));
    c.add('raw-only key tagsObj', 'dc', withField(dcBase(), 'tagsObj', {}));
    c.add('upgrade-only key creator_uuid', 'dc', withField(dcBase(), 'creator_uuid', OWNER));
}

module.exports = {
    buildCorpus: function buildCorpus() {
        const c = new Corpus();
        addBases(c);
        addGenericMutations(c);
        require('./manifest_corpus_rules').addRuleCases(c, {
            minimalBase: minimalBase, dcBase: dcBase, zvolBase: zvolBase,
            withField: withField, clone: clone, UUID: UUID, OWNER: OWNER
        });
        return c.cases;
    }
};
