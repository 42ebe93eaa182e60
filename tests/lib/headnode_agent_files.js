// The files a server's agents leave under its root, as the agentsshar installs them and
// update-agents' install script records them (sdcadm lib/cli/do_update_agents.js:908-947):
// per agent <root>/opt/smartdc/agents/lib/node_modules/<agent>/image_uuid, and, when the
// DC has a latest agentsshar, <root>/opt/smartdc/agents/etc/agentsshar.sha1 (its SHA-1) and
// agentsshar.post (what `find /opt/smartdc/agents/lib/node_modules/*/ -name image_uuid
// -maxdepth 1 -print -exec cat {} \;` prints), so update-agents with that shar has nothing
// to do there. Used by make_headnode (the headnode) and headnode_server (a compute node).
'use strict';
const fs = require('fs');
const crypto = require('crypto');

// root: the server's simulated root; agents: its agent instance rows; latest: the path of
// /usbkey/extra/agents/latest on the headnode.
function writeAgentFiles(root, agents, latest) {
  const lib = '/opt/smartdc/agents/lib', etc = root + '/opt/smartdc/agents/etc';
  for (const a of agents) {
    fs.mkdirSync(`${root}${lib}/node_modules/${a.service}`, { recursive: true });
    fs.writeFileSync(`${root}${lib}/node_modules/${a.service}/image_uuid`, a.image + '\n');
  }
  if (!agents.length || !fs.existsSync(latest)) return;
  fs.mkdirSync(etc, { recursive: true });
  const post = [...new Set(agents.map((a) => a.service))].sort()
    .map((n) => `${lib}/node_modules/${n}/image_uuid\n` + fs.readFileSync(`${root}${lib}/node_modules/${n}/image_uuid`));
  fs.writeFileSync(etc + '/agentsshar.post', post.join(''));
  const sha1 = crypto.createHash('sha1').update(fs.readFileSync(latest)).digest('hex');
  fs.writeFileSync(etc + '/agentsshar.sha1', sha1 + '\n');
}

module.exports = { writeAgentFiles };
