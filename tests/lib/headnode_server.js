// Used by headnode_server and headnode_agent_without_instance (headnode.bash): changes the
// simulated DC's CNAPI servers and agent rows in HN/var/fake-sdcadm/state.json.
//   node headnode_server.js HN add HOSTNAME running|stopped|unsetup [--ur-timeout] [--agents]
//     adds a compute node and prints its uuid: running = setup, status "running"; stopped =
//     setup, status "unknown" (CNAPI's status of a server that stopped heartbeating); unsetup
//     = setup false, status "running" (booted, waiting to be set up). --ur-timeout: its ur
//     does not answer. --agents: one agent instance per agent service the headnode runs, on
//     the headnode's images, and their files under HN/var/fake-sdcadm/servers/<uuid>/ (an
//     unsetup server never has agents). A setup server boots the DC's default platform and
//     has the DC's cn_tools (gz_tools), as server setup leaves it.
//   node headnode_server.js HN no-instance SERVICE HOSTNAME
//     drops "instance" from SERVICE's agent row on HOSTNAME (a CN without
//     /opt/smartdc/agents/etc/<agent>: CNAPI reports no agent uuid, sdcadm
//     lib/sdcadm.js:676-684).
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { writeAgentFiles } = require('./headnode_agent_files.js');

const [hn, how, ...args] = process.argv.slice(2);
const die = (m) => { console.error(`headnode_server: ${m}`); process.exit(1); };
const statePath = `${hn}/var/fake-sdcadm/state.json`;
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');

function add([hostname, kind, ...flags]) {
  if (!hostname) die('no HOSTNAME');
  if (!['running', 'stopped', 'unsetup'].includes(kind)) die(`"${kind}" is not running, stopped or unsetup`);
  for (const f of flags) if (!['--ur-timeout', '--agents'].includes(f)) die(`unknown option "${f}"`);
  if (state.servers.some((s) => s.hostname === hostname)) die(`the DC already has a server "${hostname}"`);
  const withAgents = flags.includes('--agents');
  if (withAgents && kind === 'unsetup') die('an unsetup server has no agents');
  const uuid = crypto.randomUUID();
  const stamp = state.platforms && state.platforms.default;
  const server = { uuid, hostname, headnode: false, setup: kind !== 'unsetup',
                   status: kind === 'stopped' ? 'unknown' : 'running' };
  if (stamp) Object.assign(server, { current_platform: stamp, boot_platform: stamp });
  if (flags.includes('--ur-timeout')) server.ur = 'timeout';
  if (server.setup && state.gz_tools && state.gz_tools.image) server.gz_tools = state.gz_tools.image;
  state.servers.push(server);
  if (withAgents) {
    const headnode = state.servers.find((s) => s.headnode);
    const ip = `10.0.0.${state.servers.length}`;
    const seen = new Set();
    const agents = state.instances
      .filter((i) => i.type === 'agent' && i.server === headnode.uuid && !seen.has(i.service) && seen.add(i.service))
      .map((a) => ({ ...a, instance: crypto.randomUUID(), server: uuid, hostname, server_ip: ip }));
    state.instances.push(...agents);
    writeAgentFiles(`${hn}/var/fake-sdcadm/servers/${uuid}`, agents, `${hn}/usbkey/extra/agents/latest`);
  }
  save();
  console.log(uuid);
}

function noInstance([service, hostname]) {
  const row = state.instances.find((i) => i.type === 'agent' && i.service === service && i.hostname === hostname);
  if (!row) die(`no agent "${service}" on "${hostname}"`);
  delete row.instance;
  save();
}

if (how === 'add') add(args);
else if (how === 'no-instance') noInstance(args);
else die(`"${how}" is neither add nor no-instance`);
