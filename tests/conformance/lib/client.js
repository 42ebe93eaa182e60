'use strict';
// Joyent's IMGAPI client (sdc-clients) as the tests use it: one constructor, calls turned
// into promises of the callback's arguments, and assertions on the errors it hands back.

const assert = require('node:assert/strict');

const env = require('./env');

const k_call_timeout_ms = 15000;

let g_sdc_clients = null;

function sdc_clients() {
    if (!g_sdc_clients) g_sdc_clients = env.require_package('sdc-clients');
    return g_sdc_clients;
}

// make_client(URL, OPTIONS): new sdc-clients IMGAPI with a fresh connection per request
// (agent:false), so a server stopped by a test never leaves a pooled socket behind.
function make_client(url, options = {}) {
    const IMGAPI = sdc_clients().IMGAPI;
    return new IMGAPI(Object.assign({url, agent: false}, options));
}

// call(CLIENT, METHOD, ARGS...): resolves to the callback's argument list, e.g.
// `const [err, image, res] = await call(c, 'getImage', uuid, {channel: '*'})`.
// A call that never calls back fails after 15 s instead of hanging the suite.
function call(client, method, ...args) {
    assert.equal(typeof client[method], 'function', `sdc-clients IMGAPI has no ${method}()`);
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(
            `sdc-clients ${method}() did not call back within ${k_call_timeout_ms} ms`)),
            k_call_timeout_ms);
        client[method](...args, (...cb_args) => {
            clearTimeout(timer);
            resolve(cb_args);
        });
    });
}

// call_ok(...): like call() but the callback's error must be null; resolves to the rest.
async function call_ok(client, method, ...args) {
    const [err, ...rest] = await call(client, method, ...args);
    if (err) {
        const body = err.body ? ' ' + JSON.stringify(err.body) : '';
        assert.fail(`sdc-clients ${method}() failed: ${err.statusCode || ''} ` +
            `${err.name}: ${err.message}${body}`);
    }
    return rest;
}

function matches(actual, expected) {
    return expected instanceof RegExp ? expected.test(actual) : actual === expected;
}

// assert_rest_error(ERR, {status, code, message, raw}): the error as sdc-clients exposes it.
// JSON calls (restify JsonClient) give `statusCode`, `restCode` and `body.{code,message}`;
// raw-stream calls (getImageFile, addImageFile: `raw: true`) give `statusCode` and the body
// fields copied in by the client's extendErrFromRawBody, but no meaningful `restCode`.
function assert_rest_error(err, want, what = 'request') {
    assert.ok(err, `${what}: expected a ${want.status} ${want.code} error, got success`);
    const seen = `${err.statusCode} ${JSON.stringify(err.body)}`;
    assert.equal(err.statusCode, want.status, `${what}: HTTP status (got ${seen})`);
    assert.ok(err.body && typeof err.body === 'object', `${what}: error has no body (${seen})`);
    assert.equal(err.body.code, want.code, `${what}: body.code (got ${seen})`);
    if (!want.raw) assert.equal(err.restCode, want.code, `${what}: restCode (got ${seen})`);
    if (want.message !== undefined) {
        assert.ok(matches(err.body.message, want.message),
            `${what}: body.message ${JSON.stringify(err.body.message)} does not match ` +
            `${want.message}`);
        assert.ok(matches(err.message, want.message),
            `${what}: err.message ${JSON.stringify(err.message)} does not match ${want.message}`);
    }
}

module.exports = {sdc_clients, make_client, call, call_ok, assert_rest_error};
