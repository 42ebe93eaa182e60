// Used by headnode_instance (headnode.bash): puts an instance of a service on a chosen
// image of the sample catalog, for DCs that are not one-instance-per-service on one older
// release (mixed services, instances newer than a bundle's target).
//   node headnode_instance.js CATALOG_DIR HN SERVICE IMAGE_UUID add|move
// add:  a new instance of SERVICE on IMAGE (a VM gets the next free alias <svc>N; an agent
//       goes on the headnode like the others), as `sdcadm create` would leave it: the
//       service's params.image_uuid is not changed;
// move: every instance of SERVICE goes to IMAGE and a VM service's params.image_uuid too,
//       as `sdcadm up SERVICE@IMAGE` leaves them.
// Rewrites HN/var/fake-sdcadm/state.json and prints the image and its origin chain, origins
// first, for the caller to import into the DC IMGAPI where missing. Refuses an image that
// is not in the catalog or whose name is not one of the service's (sdcadm's
// imgNamesFromSvcName), so the state stays one the real sdcadm could have made.
'use strict';
const fs = require('fs');
const crypto = require('crypto');

const [catalogDir, hn, service, imageUuid, how] = process.argv.slice(2);
const die = (m) => { console.error(`headnode_instance: ${m}`); process.exit(1); };
if (!['add', 'move'].includes(how)) die(`"${how}" is neither add nor move`);
const catalog = JSON.parse(fs.readFileSync(`${catalogDir}/catalog.json`, 'utf8'));
const statePath = `${hn}/var/fake-sdcadm/state.json`;
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));

const byUuid = new Map();
for (const [name, list] of Object.entries(catalog.artifacts)) for (const i of list) byUuid.set(i.uuid, { ...i, name });
const image = byUuid.get(imageUuid);
if (!image) die(`image ${imageUuid} is not in the catalog`);
const names = catalog.services[service];
if (!names) die(`the catalog has no service "${service}"`);
if (!names.includes(image.name)) die(`image ${imageUuid} is "${image.name}", not one of ${service}'s names (${names})`);
const svc = state.services.find((s) => s.name === service);
if (!svc) die(`the DC does not run "${service}"`);
const insts = state.instances.filter((i) => i.service === service);

if (how === 'move') {
  for (const inst of insts) Object.assign(inst, { image: image.uuid, version: image.version });
  if (svc.type === 'vm') svc.params = { ...(svc.params || {}), image_uuid: image.uuid };
} else {
  const model = insts[0] || die(`"${service}" has no instance to copy the server from`);
  const id = crypto.randomUUID();
  const inst = { ...model, instance: id, image: image.uuid, version: image.version };
  if (svc.type === 'vm') {
    const taken = new Set(insts.map((i) => i.alias));
    let n = 0;
    while (taken.has(`${service}${n}`)) n++;
    Object.assign(inst, { alias: `${service}${n}`, zonename: id });
  }
  state.instances.push(inst);
}
fs.writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');

const chain = [];
for (let u = image.uuid; u; u = byUuid.get(u).origin) chain.unshift(u);
console.log(chain.join('\n'));
