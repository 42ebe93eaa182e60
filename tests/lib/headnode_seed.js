// Used by make_headnode (headnode.bash): from a sample catalog's catalog.json, choose the
// simulated DC's "older release" and write what the headnode needs.
//   node headnode_seed.js CATALOG_DIR CHANNEL HN
// Writes HN/var/fake-sdcadm/state.json and prints, one per line, the image uuids to import
// into the DC IMGAPI, origins before the images built on them.
//
// Older release, per service (sdcadm's imgNamesFromSvcName, catalog.json "services"): among
// the service's images on CHANNEL, the newest by published_at is what an update would bring;
// the DC runs the newest image *older* than it (same name when there is one, else any valid
// name, else from any channel; when the catalog has nothing older, the channel's newest: the
// DC is up to date for that service). sdcadm itself: semver, then buildstamp time.
'use strict';
const fs = require('fs');
const crypto = require('crypto');

const [catalogDir, channel, hn] = process.argv.slice(2);
const catalog = JSON.parse(fs.readFileSync(`${catalogDir}/catalog.json`, 'utf8'));
const artifacts = catalog.artifacts;
const byPublished = (a, b) => (a.published_at < b.published_at ? -1 : a.published_at > b.published_at ? 1 : 0);
const onChannel = (img) => img.channels.includes(channel);

function withName(names) {
  const out = [];
  for (const name of names) for (const img of artifacts[name] || []) out.push({ ...img, name });
  return out.sort(byPublished);
}

// The image the DC runs for a service whose valid image names are `names`, or null.
function olderImage(names) {
  const all = withName(names);
  const chan = all.filter(onChannel);
  if (chan.length === 0) return null;
  const newest = chan[chan.length - 1];
  const older = (list) => list.filter((i) => i.published_at < newest.published_at);
  const pick = (list) => (list.length ? list[list.length - 1] : null);
  // Nothing older at all (the channel's first build is the oldest build): the DC is
  // already up to date for this service.
  return pick(older(chan).filter((i) => i.name === newest.name)) || pick(older(chan)) ||
         pick(older(all)) || newest;
}

function semverKey(v) { return v.split(/[.+-]/).slice(0, 3).map(Number); }
function sdcadmCmp(a, b) {
  const [x, y] = [semverKey(a.version), semverKey(b.version)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  const stamp = (i) => i.buildstamp.split('-').slice(-2, -1)[0];
  return stamp(a) < stamp(b) ? -1 : stamp(a) > stamp(b) ? 1 : 0;
}
function olderSdcadm() {
  const chan = (artifacts.sdcadm || []).filter(onChannel).sort(sdcadmCmp);
  return chan.length >= 2 ? chan[chan.length - 2] : null;
}

const uuid = () => crypto.randomUUID();
const server = uuid();
const host = { server, hostname: 'headnode', server_ip: '10.0.0.1' };
const state = {
  sdcadm: null, services: [], instances: [],
  platforms: { default: null, installed: [] },
  gz_tools: { image: null, version: null }, agentsshar: { image: null, version: null },
  unhealthy: [], fail: null, log: [],
};
const imports = new Map();  // uuid -> depth in its origin chain (origins import first)
const byUuid = new Map();
for (const list of Object.values(artifacts)) for (const img of list) byUuid.set(img.uuid, img);
function addImport(img) {
  let depth = 0;
  for (let o = img.origin; o; o = byUuid.get(o).origin) { depth++; if (!imports.has(o)) imports.set(o, -1); }
  imports.set(img.uuid, depth);
}

for (const [service, names] of Object.entries(catalog.services)) {
  const img = olderImage(names);
  if (!img || !['zone', 'agent'].includes(img.kind)) continue;
  addImport(img);
  const svc = { uuid: uuid(), name: service, type: img.kind === 'zone' ? 'vm' : 'agent' };
  if (svc.type === 'vm') svc.params = { image_uuid: img.uuid };
  state.services.push(svc);
  const id = uuid();
  state.instances.push(svc.type === 'vm'
    ? { type: 'vm', service, alias: `${service}0`, instance: id, zonename: id, image: img.uuid,
        version: img.version, state: 'running', ...host }
    : { type: 'agent', service, instance: id, image: img.uuid, version: img.version, ...host });
}
const sdcadm = olderSdcadm();
if (sdcadm) {
  addImport(sdcadm);
  state.sdcadm = { version: sdcadm.version, buildstamp: sdcadm.buildstamp, image: sdcadm.uuid };
}
// The older gz-tools and agentsshar are in the DC IMGAPI, as sdcadm-install leaves every
// image of the bundles it applied. The agentsshar file carries the name update-agents gives
// a shar it fetched by uuid (/var/tmp/agents-<uuid>.sh, copied to /usbkey/extra/agents/);
// gz-tools' file is where update-gz-tools downloads one (make_headnode installs it from there).
const gzTools = olderImage(['gz-tools']);
if (gzTools) {
  addImport(gzTools);
  state.gz_tools = { image: gzTools.uuid, version: gzTools.version, file: `gz-tools-${gzTools.uuid}.tgz` };
}
const shar = olderImage(['agentsshar']);
if (shar) {
  addImport(shar);
  state.agentsshar = { image: shar.uuid, version: shar.version, file: `agents-${shar.uuid}.sh` };
}
const platform = olderImage(['platform']);
if (platform) {
  const stamp = platform.version.split('-').pop();
  state.platforms = { default: stamp, installed: [stamp] };
}
// The headnode as CNAPI lists it: set up, running, booting the default platform by name
// (not "latest"; `sdcadm platform install` refuses to go on without -y when it is).
const stamp = state.platforms.default;
state.servers = [{ uuid: server, hostname: 'headnode', headnode: true, setup: true, status: 'running',
                   current_platform: stamp, boot_platform: stamp }];
state.sdc_app = { metadata: { update_channel: channel } };
fs.writeFileSync(`${hn}/var/fake-sdcadm/state.json`, JSON.stringify(state, null, 2) + '\n');
// Origins (depth -1 until placed) first: sort by the depth of the chain below each image.
const depthOf = (u) => { let d = 0; for (let o = byUuid.get(u).origin; o; o = byUuid.get(o).origin) d++; return d; };
console.log([...imports.keys()].sort((a, b) => depthOf(a) - depthOf(b)).join('\n'));
