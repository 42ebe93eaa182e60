/*
 * Targeted manifest cases, rule by rule (lengths at and past each limit, regexes, enums,
 * files, requirements, tags size, URL forms, JS conversions), plus raw JSON texts and the
 * known divergences. Used by manifest_corpus.js.
 */
'use strict';

function addLabelCases(c, h) {
    const long = function (n, ch) { return new Array(n + 1).join(ch || 'a'); };
    const dc = h.dcBase();
    [
        [ 'name', long(1024) ], [ 'name', long(1025) ], [ 'name', 'a b/c.d-e_f' ],
        [ 'name', 'a+b' ], [ 'name', 'caf\u00e9' ], [ 'name', 'a\nb' ], [ 'name', 123 ],
        [ 'name', 1e21 ], [ 'name', [ 'abc' ] ], [ 'name', [ 'a', 'b' ] ],
        [ 'name', { length: 1024 } ], [ 'name', { length: '1025' } ],
        [ 'name', { length: [ 1025 ] } ], [ 'name', long(512, '\ud83d\ude00') ],
        [ 'name', long(513, '\ud83d\ude00') ],
        [ 'version', long(512) ], [ 'version', long(513) ], [ 'version', '1.0.0+build.5' ],
        [ 'version', 'a b' ], [ 'version', '1.2.3~rc1' ], [ 'version', -1.5 ],
        [ 'description', long(10240) ], [ 'description', long(10241) ],
        [ 'description', long(5120, '\ud83d\ude00') ], [ 'description', long(5121, '\ud83d\ude00') ],
        [ 'description', 42 ], [ 'description', { length: 10241 } ],
        [ 'v', -0.5 ], [ 'v', '-1' ], [ 'v', 'abc' ], [ 'v', '1e3' ], [ 'v', '0b101' ],
        [ 'v', '\u00a02\u2028' ], [ 'v', '-Infinity' ], [ 'v', 'Infinity' ], [ 'v', [ [ 3 ] ] ],
        [ 'v', '.5' ], [ 'v', '5.' ], [ 'v', '.' ], [ 'v', '+-1' ], [ 'v', '0x' ],
        [ 'v', '1_000' ], [ 'v', 1e300 ],
        [ 'uuid', h.UUID.toUpperCase() ], [ 'uuid', h.UUID + ' ' ], [ 'uuid', h.UUID.slice(1) ],
        [ 'owner', '00000000-0000-0000-0000-000000000000' ], [ 'origin', [ [ h.UUID ] ] ],
        [ 'urn', 'sdc:sdc:x:1' ], [ 'urn', 5 ],
        [ 'published_at', '2020-03-10T19:08:26Z' ], [ 'published_at', '2020-03-10T19:08Z' ],
        [ 'published_at', '2020-03-10T19:08:26.56Z' ], [ 'published_at', '2020-03-10 19:08:26Z' ],
        [ 'published_at', '2020-03-10T19:08:26.567+00:00' ], [ 'published_at', 20200310 ],
        [ 'published_at', [ '2020-03-10T19:08:26Z' ] ],
        [ 'published_at', '9999-99-99T99:99:99.999Z' ],
        [ 'state', 'ACTIVE' ], [ 'state', 'deleted' ], [ 'state', 'creating' ],
        [ 'type', 'lx-dataset' ], [ 'type', 'docker' ], [ 'type', 'lxd' ], [ 'type', 'other' ],
        [ 'type', 'Zone-Dataset' ], [ 'type', 'zone' ], [ 'type', [ 'zvol' ] ],
        [ 'os', 'linux' ], [ 'os', 'windows' ], [ 'os', 'bsd' ], [ 'os', 'illumos' ],
        [ 'os', 'other' ], [ 'os', 'solaris' ], [ 'os', [ 'linux' ] ],
        [ 'error', [ 1 ] ], [ 'error', 'boom' ],
        [ 'icon', 'true' ], [ 'icon', 'yes' ], [ 'generate_passwords', 1 ],
        [ 'activated', 'true' ], [ 'activated', 'false' ], [ 'disabled', 'true' ]
    ].forEach(function (fv) {
        c.add('rule ' + fv[0] + '=' + JSON.stringify(fv[1]).slice(0, 40), 'dc',
            h.withField(dc, fv[0], fv[1]));
    });
    [ 'creating', 'failed', 'active' ].forEach(function (state) {
        [ 'type', 'os' ].forEach(function (f) {
            const m = h.withField(dc, 'state', state);
            m[f] = 'null';
            c.add('rule ' + f + ' "null" in state ' + state, 'dc', m);
        });
    });
    c.add('rule activated "true" without published_at', 'dc',
        Object.assign(h.dcBase(), { activated: 'true', published_at: undefined }));
    c.add('rule activated false without files/published_at', 'dc',
        Object.assign(h.dcBase(), { activated: 'false', published_at: undefined,
            files: undefined }));
    c.add('rule public true on private', 'private', h.withField(dc, 'public', 'true'));
    c.add('rule public "false" on public', 'public', h.withField(dc, 'public', 'false'));
    c.add('rule public "true" on public', 'public', h.withField(dc, 'public', 'true'));
}

function addUrlCases(c, h) {
    const long = 'http://x.example/' + new Array(1024 - 16).join('a');
    [
        'http://x', 'https://x.example/a?b#c', 'HTTP://X.EXAMPLE', 'HtTpS://x', ' http://x',
        'http://x ', '\thttp://x', '\u00a0http://x', 'http:foo', 'https:', 'ftp://x',
        'javascript:alert(1)', 'x.example', '//x.example', '/path', '', 'mailto:a@b',
        'http://a@b@c/', 'http://user:pass@x.example:8080/p', 'http://x:99999',
        'http://[::1]/', 'http://[::1 x]/', 'http://a[/', 'http://a]/', 'http://%zz@x/',
        'http://%41@x/', 'http://%C3%A9@x/', 'http://%C3@x/', 'HTTP:x[y]', 'http:x[y]',
        'http://a\\b[c', 'http://a?[b', 'http://a:1[b', long, long + 'a',
        'http://' + new Array(300).join('a') + '[/', 'http://a..b/', 'http://-a/'
    ].forEach(function (url) {
        [ 'homepage', 'eula' ].forEach(function (f) {
            c.add('url ' + f + '=' + JSON.stringify(url).slice(0, 50), 'dc',
                h.withField(h.dcBase(), f, url));
        });
    });
    // Hosts that need IDNA: node's answer depends on its ICU/ada; we refuse them.
    [ 'http://b\u00fccher.example/', 'http://xn--bcher-kva.example/' ].forEach(function (url) {
        c.add('url idna ' + url, 'dc', h.withField(h.dcBase(), 'homepage', url),
            { divergence: { expect: 'homepage|Invalid' } });
    });
}

function addFilesCases(c, h) {
    const file = h.dcBase().files[0];
    const f = function (patch) { return Object.assign(h.clone(file), patch); };
    [
        [ f({ size: 0 }) ], [ f({ size: -1 }) ], [ f({ size: 1.5 }) ], [ f({ size: 'abc' }) ],
        [ f({ size: null }) ], [ f({ size: 12345678901234567890 }) ], [ f({ sha1: '' }) ],
        [ f({ sha1: 5 }) ], [ f({ compression: 'zstd' }) ], [ f({ compression: 'GZIP' }) ],
        [ f({ compression: '' }) ], [ f({ compression: [ 'gzip' ] }) ],
        [ f({ compression: 'bzip2' }) ], [ f({ compression: 'xz' }) ],
        [ f({ compression: 'none' }) ], [ f({ dataset_guid: '123', stor: 'local' }) ],
        [ f({ sha1: undefined, size: undefined, compression: undefined }) ],
        [ 'file' ], [ 7 ], [ [] ], [ {} ], [ null ], [ file, file ], [ file, null ]
    ].forEach(function (files) {
        c.add('files ' + JSON.stringify(files).slice(0, 60), 'dc',
            h.withField(h.dcBase(), 'files', files));
    });
    const lxd = h.withField(h.dcBase(), 'type', 'lxd');
    c.add('files lxd x3', 'dc', h.withField(lxd, 'files', [ file, file, file ]));
    c.add('files lxd second bad', 'dc', h.withField(lxd, 'files', [ file, f({ size: 0 }) ]));
    c.add('files minimal present', 'minimal', Object.assign(h.minimalBase(), { files: [ {} ] }));
    c.add('files minimal activated', 'minimal', Object.assign(h.minimalBase(),
        { activated: true }));
}

function addRequirementsCases(c, h) {
    const reqs = [
        { networks: [ { name: 'net0', description: 'a', extra: 1 } ] },
        { networks: [ { name: 'net0' } ] }, { networks: [ [ 'net0', 'a' ] ] },
        { networks: [ 'net0' ] }, { networks: [ null ] }, { networks: 'net0' },
        { networks: 0 }, { networks: [] }, { networks: [ { name: null, description: null } ] },
        { brand: 5 }, { brand: '' }, { brand: 'kvm' }, { ssh_key: 'yes' }, { ssh_key: false },
        { min_ram: 512 }, { min_ram: -512 }, { min_ram: 1.5 }, { min_ram: '512' },
        { max_ram: 0 }, { min_ram: 2048, max_ram: 1024 }, { min_ram: 1024, max_ram: 1024 },
        { min_ram: 1.5, max_ram: 1 }, { min_ram: -5, max_ram: -10 },
        { min_platform: {} }, { min_platform: 'x' }, { min_platform: [] },
        { min_platform: { '7.0': '20121218T203452Z' } },
        { min_platform: { '7.0': '20111218T203452Z' } },
        { min_platform: { '7.0': '20121318T203452Z' } },
        { min_platform: { '7.0': '20121200T203452Z' } },
        { min_platform: { '7.0': '20121232T203452Z' } },
        { min_platform: { '7.0': '20121218X203452Z' } },
        { min_platform: { '7.0': '20121218T243452Z' } },
        { min_platform: { '7.0': '20121218T206052Z' } },
        { min_platform: { '7.0': '20121218T203460Z' } },
        { min_platform: { '7.0': '20121218T203452z' } },
        { min_platform: { '7.0': '2012-12-18T20:34' } },
        { min_platform: { '7.0': 'abcdefghTijklmnZ' } },
        { min_platform: { '7.0': '2012 1 1T 1 1 1Z' } },
        { min_platform: { '7.0': '2012-1-1T-1-1-1Z' } },
        { min_platform: { '7.0': '20121218T203452' } }, { min_platform: { '7.0': 5 } },
        { min_platform: { '7.0': null } }, { min_platform: { '7.0': [ 1 ] } },
        { min_platform: { '7.0': new Array(16).fill('1') } },
        { min_platform: { '7.0': { length: 16 } } }, { min_platform: { '7.0': { length: 15 } } },
        { min_platform: [ '20121218T203452Z' ] }, { min_platform: [ 'x' ] },
        { max_platform: { '7.0': '20991231T235959Z', '6.5': 'x' } },
        { bootrom: 'uefi' }, { bootrom: 'bios', brand: 'kvm' }, { bootrom: 'bios', brand: 'bhyve' },
        { bootrom: 'efi', brand: 'bhyve' }, { bootrom: [ 'uefi' ], brand: 'bhyve' },
        { bootrom: 'uefi', brand: [ 'bhyve' ] }, { bootrom: '', brand: 5 },
        { foo: 1 }, { foo: 1, bar: 2, networks: 5 }, {}, 'ab', [ 1, 2, 3 ], 5, true, null, '',
        [], 'requirements'
    ];
    reqs.forEach(function (r) {
        c.add('requirements ' + JSON.stringify(r).slice(0, 60), 'dc',
            h.withField(h.dcBase(), 'requirements', r));
    });
}

function addCollectionCases(c, h) {
    const long = function (n) { return new Array(n + 1).join('b'); };
    [
        [ 'acl', [ h.OWNER, 'x' ] ], [ 'acl', [ 'x', 'y' ] ], [ 'acl', [ h.OWNER.toUpperCase() ] ],
        [ 'acl', [ [ h.OWNER ] ] ], [ 'acl', h.OWNER ], [ 'acl', [ null ] ],
        [ 'users', [ { name: 'root', uid: 0 } ] ], [ 'users', [ {} ] ], [ 'users', [ 'root' ] ],
        [ 'users', [ null ] ], [ 'users', [ [ 'root' ] ] ], [ 'users', [ { name: null } ] ],
        [ 'billing_tags', [ long(128) ] ], [ 'billing_tags', [ long(129) ] ],
        [ 'billing_tags', [ 5 ] ], [ 'billing_tags', 'small' ], [ 'billing_tags', [ null ] ],
        [ 'traits', { a: 'x', b: true, c: [ 1 ], d: 5 } ], [ 'traits', { a: null } ],
        [ 'traits', { a: {} } ], [ 'traits', [ 'x', 5 ] ], [ 'traits', [] ], [ 'traits', 'x' ],
        [ 'tags', { a: { b: [ 1, { c: null } ] } } ], [ 'tags', [] ], [ 'tags', 'x' ],
        [ 'inherited_directories', [ '/opt', 5 ] ], [ 'inherited_directories', '/opt' ],
        [ 'inherited_directories', [] ]
    ].forEach(function (fv) {
        c.add('collection ' + fv[0] + '=' + JSON.stringify(fv[1]).slice(0, 40), 'dc',
            h.withField(h.dcBase(), fv[0], fv[1]));
    });
    c.add('inherited_directories on zvol', 'dc',
        h.withField(h.zvolBase(), 'inherited_directories', [ '/opt' ]));
    // tags size limit: JSON.stringify(tags).length around 100 KiB, with characters that
    // JSON escapes (6 or 2 characters), astral characters (2 UTF-16 units) and numbers.
    const tagsOf = function (len, filler, extra) {
        const base = Object.assign({ k: '' }, extra || {});
        const overhead = JSON.stringify(base).length;
        const per = JSON.stringify(filler).length - 2;
        const n = Math.floor((len - overhead) / per);
        base.k = new Array(n + 1).join(filler);
        const pad = len - JSON.stringify(base).length;
        base.k += new Array(pad + 1).join('x');
        return base;
    };
    [ 'x', '\u0001', '\n', '"', '\ud83d\ude00', '\u00e9' ].forEach(function (filler) {
        [ 102400, 102401 ].forEach(function (len) {
            [ undefined, { n: 1e-7, m: 1e21, o: 0.1, p: 123456789012345680000, q: -0 } ]
                .forEach(function (extra) {
                    const tags = tagsOf(len, filler, extra);
                    c.add('tags length ' + JSON.stringify(tags).length + ' filler ' +
                        JSON.stringify(filler) + (extra ? ' with numbers' : ''), 'dc',
                        h.withField(h.dcBase(), 'tags', tags));
                });
        });
    });
}

function addZvolCases(c, h) {
    [ 'nic_driver', 'disk_driver', 'cpu_type', 'image_size' ].forEach(function (f) {
        [ 'zone-dataset', 'lx-dataset', 'other' ].forEach(function (type) {
            [ 'virtio', '', 0, null, false, 5 ].forEach(function (value) {
                const m = h.withField(h.dcBase(), 'type', type);
                m[f] = value;
                c.add('zvol field ' + f + '=' + JSON.stringify(value) + ' on ' + type, 'dc', m);
            });
        });
    });
    [ 10240, '10240', '0x10', -5, 0, 1.5, '1.5', 'big', [ 5 ], null, 12345678901234567890 ]
        .forEach(function (size) {
            c.add('zvol image_size=' + JSON.stringify(size), 'dc',
                h.withField(h.zvolBase(), 'image_size', size));
        });
    c.add('zvol all four missing', 'dc', Object.assign(h.zvolBase(), { nic_driver: undefined,
        disk_driver: undefined, cpu_type: undefined, image_size: undefined }));
    c.add('zvol minimal profile, drivers missing', 'minimal',
        Object.assign(h.minimalBase(), { type: 'zvol' }));
    c.add('zvol minimal profile, driver on non-zvol', 'minimal',
        Object.assign(h.minimalBase(), { nic_driver: 'virtio' }));
}

function addRawTexts(c, h) {
    const dc = JSON.stringify(h.dcBase());
    const body = dc.slice(1, -1);
    c.raw('raw duplicate v, last wins', 'dc', '{"v":"bad",' + body.replace('"v":2,', '') +
        ',"v":2}');
    c.raw('raw duplicate name, last bad', 'dc', '{' + body + ',"name":"a b c!"}');
    c.raw('raw v as 2.0', 'dc', dc.replace('"v":2', '"v":2.0'));
    c.raw('raw v as -0', 'dc', dc.replace('"v":2', '"v":-0'));
    c.raw('raw v as 1e2', 'dc', dc.replace('"v":2', '"v":1E2'));
    c.raw('raw size as 1.0e0', 'dc', dc.replace('"size":121737890', '"size":1.0e0'));
    c.raw('raw size as -0.0', 'dc', dc.replace('"size":121737890', '"size":-0.0'));
    c.raw('raw size huge', 'dc', dc.replace('"size":121737890', '"size":1e300'));
    c.raw('raw escaped name', 'dc', dc.replace('"name":"imgapi"', '"name":"img\\u0061pi"'));
    c.raw('raw whitespace', 'dc', '\n\t ' + JSON.stringify(h.dcBase(), null, 4) + '\r\n');
    c.raw('raw min_ram 2.0', 'dc', dc.replace('"ssh_key":true', '"ssh_key":true,"min_ram":2.0'));
}

function addDivergences(c, h) {
    // Object.prototype members pass imgmanifest's enum lookups by accident.
    [ 'constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf' ].forEach(function (v) {
        c.add('divergence type=' + v, 'dc', h.withField(h.dcBase(), 'type', v),
            { divergence: { expect: 'type|Invalid' } });
        c.add('divergence os=' + v, 'minimal', h.withField(h.minimalBase(), 'os', v),
            { divergence: { expect: 'os|Invalid' } });
    });
}

module.exports = {
    addRuleCases: function addRuleCases(c, h) {
        addLabelCases(c, h);
        addUrlCases(c, h);
        addFilesCases(c, h);
        addRequirementsCases(c, h);
        addCollectionCases(c, h);
        addZvolCases(c, h);
        addRawTexts(c, h);
        addDivergences(c, h);
    }
};
