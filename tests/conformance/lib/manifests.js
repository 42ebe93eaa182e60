'use strict';
// Joyent's imgmanifest over what our tools write and serve.
//
// Which form imgmanifest validates (read in imgmanifest.js and sdc-imgapi lib/images.js
// Image.validateAndNormalize): the API fields plus `activated` (required in the dc, public
// and private sets), `tags` as an object, `icon` as a boolean. IMGAPI builds exactly that
// from its raw DB record before calling validate{Dc,Private}Manifest, passing
// {channelFromName} on channel servers (then `channels` is required) and nothing in DC mode
// (then a `channels` field is invalid). The API form never carries `activated`; we derive it
// from `state` the way IMGAPI computes state (active|disabled <=> activated).

const assert = require('node:assert/strict');

const env = require('./env');
const catalog = require('./catalog');

let g_imgmanifest = null;

function imgmanifest() {
    if (!g_imgmanifest) g_imgmanifest = env.require_package('imgmanifest');
    return g_imgmanifest;
}

// validator_form(MANIFEST): the object IMGAPI would hand to imgmanifest for this manifest.
function validator_form(manifest) {
    const m = Object.assign({}, manifest);
    if (m.activated === undefined && typeof m.state === 'string') {
        m.activated = (m.state === 'active' || m.state === 'disabled');
    }
    return m;
}

function channel_from_name(channels) {
    const map = {};
    for (const ch of channels) map[ch.name] = ch;
    return map;
}

// assert_valid_private(MANIFEST, CHANNELS, LABEL): validatePrivateManifest finds no error.
function assert_valid_private(manifest, channels, label) {
    const errs = imgmanifest().validatePrivateManifest(validator_form(manifest),
        {channelFromName: channel_from_name(channels)});
    assert.equal(errs, null, `imgmanifest.validatePrivateManifest(${label}): ` +
        `${JSON.stringify(errs)}\nmanifest: ${JSON.stringify(manifest)}`);
}

// assert_valid_dc(MANIFEST, LABEL): validateDcManifest (no channels) finds no error.
function assert_valid_dc(manifest, label) {
    const errs = imgmanifest().validateDcManifest(validator_form(manifest));
    assert.equal(errs, null, `imgmanifest.validateDcManifest(${label}): ` +
        `${JSON.stringify(errs)}\nmanifest: ${JSON.stringify(manifest)}`);
}

// assert_key_order(MANIFEST, LABEL): keys appear in IMGAPI's serialization order.
function assert_key_order(manifest, label) {
    const keys = Object.keys(manifest);
    const unknown = keys.filter((k) => !catalog.k_key_order.includes(k));
    assert.deepEqual(unknown, [], `${label}: keys IMGAPI never serializes`);
    const expected = catalog.k_key_order.filter((k) => keys.includes(k));
    assert.deepEqual(keys, expected, `${label}: key order differs from IMGAPI's serialize()`);
}

module.exports = {imgmanifest, validator_form, assert_valid_private, assert_valid_dc,
    assert_key_order};
